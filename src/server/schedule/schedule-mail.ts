// The mail of scheduled Spaces, in words a person reads: each names the Space and when it starts (in
// the host's zone and in UTC: a mail cannot know where its reader is), and carries the link that
// opens it. Reminder mail also carries the one-click link that stops reminders.
import type { MailJob } from '../mail/mail-jobs.js';

export interface MailSpace {
  title: string;
  hostName: string;
  startsAt: number | null;
  timeZone: string | null;
  /** The Space page. */
  link: string;
}

function when(space: MailSpace): string {
  if (space.startsAt === null) return '';
  const zone = space.timeZone ?? 'UTC';
  const format = (timeZone: string) =>
    new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' }).format(space.startsAt!);
  return zone === 'UTC' ? format('UTC') : `${format(zone)} (${format('UTC')})`;
}

const SIGNATURE = '\n— Hostline';

function unsubscribe(link: string | undefined): { footer: string; headers?: Record<string, string> } {
  if (!link) return { footer: '' };
  return { footer: `\n\nStop reminders for this Space (one click): ${link}`, headers: { 'List-Unsubscribe': `<${link}>` } };
}

function mail(to: string, subject: string, body: string, stopLink?: string): MailJob {
  const { footer, headers } = unsubscribe(stopLink);
  return { to, subject, text: `${body}${footer}${SIGNATURE}`, ...(headers ? { headers } : {}) };
}

export function reminderMail(to: string, space: MailSpace, leadMinutes: number, stopLink: string): MailJob {
  return mail(to, `Starting in ${leadMinutes} minutes: ${space.title}`, `${space.hostName}'s Space “${space.title}” starts in ${leadMinutes} minutes, at ${when(space)}.\n\nOpen it here; it turns live by itself when the host starts:\n${space.link}`, stopLink);
}

export function liveMail(to: string, space: MailSpace, stopLink?: string): MailJob {
  return mail(to, `Live now: ${space.title}`, `${space.hostName} is live now: “${space.title}”.\n\nListen here:\n${space.link}`, stopLink);
}

export function followerLiveMail(to: string, space: MailSpace, profileLink: string): MailJob {
  return mail(to, `${space.hostName} is live: ${space.title}`, `${space.hostName}, whom you follow, just went live: “${space.title}”.\n\nListen here:\n${space.link}\n\nYou get this because you follow ${space.hostName}; to stop, unfollow on ${profileLink}`);
}

export function cohostLiveMail(to: string, space: MailSpace): MailJob {
  return mail(to, `You co-host, and it is live: ${space.title}`, `${space.hostName} started “${space.title}”, which you co-host. Join from the link signed in as yourself, and you are on stage as a co-host:\n${space.link}`);
}

export function rescheduledMail(to: string, space: MailSpace, stopLink: string): MailJob {
  return mail(to, `New time: ${space.title}`, `${space.hostName} moved “${space.title}” to ${when(space)}.\n\nYour reminder moves with it. The Space:\n${space.link}\n\nThe attached calendar file updates the event in your calendar.`, stopLink);
}

export function cancelledMail(to: string, space: MailSpace): MailJob {
  return mail(to, `Cancelled: ${space.title}`, `${space.hostName} cancelled “${space.title}”, which was to start at ${when(space)}. Nothing more will come about it.\n\n${space.link}`);
}

export function missedMail(to: string, space: MailSpace): MailJob {
  return mail(to, `Did not start: ${space.title}`, `“${space.title}” by ${space.hostName} was to start at ${when(space)}, but the host has not started it, so it is marked missed. No more reminders will come about it.\n\n${space.link}`);
}

export function hostBeforeMail(to: string, space: MailSpace, leadMinutes: number, studioHint: string): MailJob {
  return mail(to, `Your Space starts in ${leadMinutes} minutes: ${space.title}`, `Your Space “${space.title}” starts at ${when(space)}. ${studioHint}\n\nListeners will open:\n${space.link}`);
}

export function hostAtStartMail(to: string, space: MailSpace, studioHint: string, missedMinutes: number): MailJob {
  return mail(to, `It is time: ${space.title}`, `It is time to start “${space.title}”. ${studioHint} If it has not started ${missedMinutes} minutes from now, it is marked missed and everyone waiting is told.\n\n${space.link}`);
}
