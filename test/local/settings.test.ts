import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nodeVersionProblem } from '../../infra/local/require-node';
import { listensBeyondThisMachine, localSettings, ownUrl } from '../../infra/local/settings';

// `npm start`'s /local/* routes mint admin tokens and move the clock: it listens on loopback unless HOST says.

describe('the local runtime’s HOST', () => {
  it('is 127.0.0.1 when HOST is unset or empty', () => {
    expect(localSettings({}).host).toBe('127.0.0.1');
    expect(localSettings({ HOST: '' }).host).toBe('127.0.0.1');
  });

  it('takes an IP address or localhost, and says which machines can then reach it', () => {
    expect(localSettings({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(listensBeyondThisMachine('0.0.0.0')).toBe(true);
    expect(listensBeyondThisMachine('::')).toBe(true);
    expect(listensBeyondThisMachine('192.168.1.20')).toBe(true);
    expect(listensBeyondThisMachine('127.0.0.1')).toBe(false);
    expect(listensBeyondThisMachine('::1')).toBe(false);
    expect(listensBeyondThisMachine('localhost')).toBe(false);
  });

  it('refuses anything that is not an address to listen on, naming HOST', () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => s !== '' && s !== 'localhost' && !/^[0-9a-f.:]+$/i.test(s)),
        (raw) => {
          expect(() => localSettings({ HOST: raw })).toThrow(/^HOST must be an IP address/);
        },
      ),
    );
    expect(() => localSettings({ HOST: '999.1.1.1' })).toThrow(/HOST must be/);
  });

  it('reaches itself on loopback when it listens on every interface', () => {
    expect(ownUrl('127.0.0.1', 3000)).toBe('http://127.0.0.1:3000');
    expect(ownUrl('0.0.0.0', 3000)).toBe('http://127.0.0.1:3000');
    expect(ownUrl('::', 3000)).toBe('http://[::1]:3000');
    expect(ownUrl('10.0.0.5', 3001)).toBe('http://10.0.0.5:3001');
  });
});

describe('npm start below the supported Node version', () => {
  it('is refused with one sentence naming Node 22', () => {
    expect(nodeVersionProblem('20.20.2')).toBe(
      'Frontdoor needs Node.js 22 or newer, and this is Node 20.20.2: install Node 22 (for example `nvm install 22`, or from nodejs.org) and run npm start again.',
    );
    expect(nodeVersionProblem('18.0.0')).toMatch(/^Frontdoor needs Node\.js 22/);
  });

  it('starts on 22 and later', () => {
    for (const v of ['22.0.0', '22.23.5', '24.1.0', 'v23.0.0']) expect(nodeVersionProblem(v)).toBeUndefined();
  });
});
