// The mail the service sends, in words a person reads. Each returns the subject and plain text (the
// links are the whole point; no tracking, no images).
import type { OutgoingMail } from './Mailer.js';

const FOOTER = '\n\nIf you did not ask for this, you can ignore this message; nothing changes.\n— Hostline';

export function confirmSignupMail(to: string, link: string): OutgoingMail {
  return {
    to,
    subject: 'Confirm your Hostline account',
    text: `Welcome to Hostline.\n\nOpen this link to create your account and sign in (it works once, for 24 hours):\n${link}${FOOTER}`,
  };
}

export function alreadyRegisteredMail(to: string, signInLink: string, resetLink: string): OutgoingMail {
  return {
    to,
    subject: 'You already have a Hostline account',
    text:
      `Someone (hopefully you) tried to sign up with this address, but it already has an account.\n\n` +
      `Sign in: ${signInLink}\nForgot your password? Reset it here (the link works once, for an hour):\n${resetLink}${FOOTER}`,
  };
}

export function passwordResetMail(to: string, link: string): OutgoingMail {
  return {
    to,
    subject: 'Reset your Hostline password',
    text: `Open this link to choose a new password (it works once, for an hour):\n${link}\n\nEvery device signed in to your account will be signed out.${FOOTER}`,
  };
}

export function passwordChangedMail(to: string): OutgoingMail {
  return {
    to,
    subject: 'Your Hostline password was changed',
    text: `The password of your Hostline account was just changed, and every other session was signed out.\nIf this was not you, reset your password right away.\n— Hostline`,
  };
}
