import { describe, expect, it } from 'vitest';
import { ConfigError, defaultConfig, parseConfig } from '../../src/server/config';

describe('parseConfig', () => {
  it('defaults to loopback, port 4480, one worker per core', () => {
    const config = parseConfig([], {});
    expect(config).toMatchObject({ host: '127.0.0.1', port: 4480, logLevel: 'info', rtcMinPort: 40000, rtcMaxPort: 49999 });
    expect(config.workers).toBe(defaultConfig().workers);
    expect(config.workers).toBeGreaterThanOrEqual(1);
  });

  it('reads every option from the environment', () => {
    const config = parseConfig([], {
      HOSTLINE_HOST: '0.0.0.0',
      HOSTLINE_PORT: '9000',
      HOSTLINE_ANNOUNCED_IP: '203.0.113.7',
      HOSTLINE_RTC_MIN_PORT: '41000',
      HOSTLINE_RTC_MAX_PORT: '41999',
      HOSTLINE_LOG_LEVEL: 'debug',
      HOSTLINE_WORKERS: '3',
    });
    expect(config).toMatchObject({ host: '0.0.0.0', port: 9000, announcedIp: '203.0.113.7', rtcMinPort: 41000, rtcMaxPort: 41999, logLevel: 'debug', workers: 3 });
  });

  it('lets flags win over the environment, in both --flag value and --flag=value forms', () => {
    const config = parseConfig(['--port', '5000', '--log-level=warn'], { HOSTLINE_PORT: '9000', HOSTLINE_LOG_LEVEL: 'debug' });
    expect(config.port).toBe(5000);
    expect(config.logLevel).toBe('warn');
  });

  it('reads the database, mail and owner options from flags and the environment', () => {
    const config = parseConfig(['--smtp', 'smtp://mail.example:587', '--owner-email', 'me@example.com'], {
      HOSTLINE_DATABASE_URL: 'postgres://hostline:secret@db.example/hostline',
      HOSTLINE_PUBLIC_URL: 'https://live.example',
    });
    expect(config).toMatchObject({
      database: 'postgres://hostline:secret@db.example/hostline',
      smtp: 'smtp://mail.example:587',
      ownerEmail: 'me@example.com',
      publicUrl: 'https://live.example',
      mailFrom: 'Hostline <no-reply@localhost>',
    });
    expect(parseConfig([], {}).database).toBeUndefined();
  });

  it.each([
    [['--port', 'abc'], /--port must be a whole number/],
    [['--port', '70000'], /--port/],
    [['--log-level', 'loud'], /--log-level/],
    [['--rtc-min-port', '45000', '--rtc-max-port', '44000'], /rtc-min-port must not exceed/],
    [['--nope', '1'], /unknown option --nope/],
    [['--port'], /--port needs a value/],
    [['stray'], /unexpected argument/],
    [['--studio-key', 'short'], /--studio-key/],
    [['--smtp', 'mail.example:25'], /--smtp: must be an smtp:\/\/ or smtps:\/\/ URL/],
    [['--owner-email', 'not-an-email'], /--owner-email/],
    [['--public-url', 'live.example'], /--public-url/],
    [['--rtc-ports', 'both'], /--rtc-ports/],
    [['--rtc-port', '80'], /--rtc-port: rtc-port must be 0 or 1024–65535/],
    [['--rtc-port', '65535', '--workers', '2'], /leaving one port per worker/],
    [['--ice-consent-timeout', '5'], /--ice-consent-timeout: must be 0 \(off\) or 10–60 seconds/],
  ])('refuses %j with a clear message', (argv, message) => {
    expect(() => parseConfig(argv, {})).toThrow(ConfigError);
    expect(() => parseConfig(argv, {})).toThrow(message);
  });

  it('media ports: one WebRtcServer port per worker by default, the old range on request', () => {
    expect(parseConfig([], {})).toMatchObject({ rtcPorts: 'server', rtcPort: 40000, iceConsentTimeoutS: 30 });
    expect(parseConfig(['--rtc-port', '0', '--ice-consent-timeout', '0'], { HOSTLINE_RTC_PORTS: 'range' })).toMatchObject({ rtcPorts: 'range', rtcPort: 0, iceConsentTimeoutS: 0 });
    expect(parseConfig([], { HOSTLINE_RTC_PORT: '44444', HOSTLINE_ICE_CONSENT_TIMEOUT: '15' })).toMatchObject({ rtcPort: 44444, iceConsentTimeoutS: 15 });
  });
});
