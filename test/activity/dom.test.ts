import { describe, expect, it, vi } from 'vitest';
import { domActivity } from '../../src';
import { expectBadInput } from '../mode';

const signals = { proved: () => {}, revoked: () => {} };

describe('domActivity', () => {
  it('reports each default event on document, in the capture phase, passively', () => {
    const add = vi.spyOn(document, 'addEventListener');
    const report = vi.fn();
    const stop = domActivity().start(report, signals);
    const types = add.mock.calls.map(([type]) => type);
    expect(types).toEqual(['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart']);
    for (const [, , options] of add.mock.calls) expect(options).toEqual({ capture: true, passive: true });
    for (const type of types) document.dispatchEvent(new Event(type));
    expect(report).toHaveBeenCalledTimes(5);
    expect(report.mock.calls.every((args) => args.length === 0)).toBe(true);
    stop();
  });

  it('a page scrolling itself is not activity: scroll is not a default event', () => {
    const report = vi.fn();
    const stop = domActivity().start(report, signals);
    const log = document.createElement('div');
    document.body.append(log);
    log.dispatchEvent(new Event('scroll')); // a chat or log view following new lines
    document.dispatchEvent(new Event('scroll'));
    expect(report).not.toHaveBeenCalled();
    stop();
    log.remove();
  });

  it('events made by scripts (isTrusted false) never count, whatever the event list', () => {
    const report = vi.fn();
    const stop = domActivity({ events: ['pointermove', 'scroll'] }).start(report, signals);
    for (const type of ['pointermove', 'scroll']) {
      const synthetic = new Event(type);
      Object.defineProperty(synthetic, 'isTrusted', { value: false });
      document.dispatchEvent(synthetic);
    }
    expect(report).not.toHaveBeenCalled();
    const trusted = new Event('pointermove');
    Object.defineProperty(trusted, 'isTrusted', { value: true });
    document.dispatchEvent(trusted);
    expect(report).toHaveBeenCalledTimes(1);
    stop();
  });

  it('counts events stopped by the app (capture phase) and in any direction', () => {
    const report = vi.fn();
    const stop = domActivity().start(report, signals);
    const child = document.createElement('div');
    document.body.append(child);
    child.addEventListener('pointermove', (event) => event.stopPropagation());
    child.dispatchEvent(new Event('pointermove', { bubbles: true }));
    expect(report).toHaveBeenCalledTimes(1);
    stop();
    child.remove();
  });

  it('stops listening when stopped', () => {
    const report = vi.fn();
    const stop = domActivity().start(report, signals);
    stop();
    document.dispatchEvent(new Event('keydown'));
    expect(report).not.toHaveBeenCalled();
  });

  it('takes custom events and target', () => {
    const target = new EventTarget();
    const report = vi.fn();
    const stop = domActivity({ events: ['custom'], target }).start(report, signals);
    target.dispatchEvent(new Event('custom'));
    document.dispatchEvent(new Event('pointermove'));
    expect(report).toHaveBeenCalledTimes(1);
    stop();
  });

  // Production: a target that is not one is still refused (start() would fail half-way); odd events only listen to nothing.
  it.each([[{ events: [] }, null], [{ events: 'click' }, null], [{ events: [1] }, null], [{ target: {} }, 71]] as const)('rejects %j with a TypeError', (options, code) => {
    expectBadInput(() => domActivity(options as never), TypeError, /^sessionwarden: domActivity\(\) option/, code);
  });
});
