// The page lifecycle signals (happy-dom): which events wake the manager, which hide it.
import { describe, expect, it, vi } from 'vitest';
import { watchPage } from '../../src/lifecycle/page';

describe('watchPage', () => {
  it('wakes on focus, visible, pageshow, online and resume; hides on hidden and pagehide; stops listening', () => {
    const wake = vi.fn();
    const hide = vi.fn();
    const stop = watchPage(wake, hide);
    const visibility = vi.spyOn(document, 'visibilityState', 'get');

    window.dispatchEvent(new Event('focus'));
    visibility.mockReturnValue('visible');
    document.dispatchEvent(new Event('visibilitychange'));
    expect(wake.mock.calls.map(([focus, restored]) => [focus, !!restored])).toEqual([[true, false], [true, false]]);

    window.dispatchEvent(new Event('pageshow'));
    window.dispatchEvent(new Event('online'));
    document.dispatchEvent(new Event('resume'));
    expect(wake.mock.calls.slice(2).map(([focus, restored]) => [focus, !!restored])).toEqual([[false, false], [false, false], [false, false]]); // none a restore
    window.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
    expect(wake.mock.calls.at(-1)).toEqual([false, true]); // back from the back/forward cache

    visibility.mockReturnValue('hidden');
    document.dispatchEvent(new Event('visibilitychange'));
    window.dispatchEvent(Object.assign(new Event('pagehide'), { persisted: false }));
    window.dispatchEvent(Object.assign(new Event('pagehide'), { persisted: true }));
    expect(hide.mock.calls).toEqual([[false], [true, false], [true, true]]);

    // An element's focus is not the page's.
    const button = document.body.appendChild(document.createElement('button'));
    button.focus();
    button.dispatchEvent(new FocusEvent('focus'));
    expect(wake).toHaveBeenCalledTimes(6);
    button.remove();

    stop();
    for (const type of ['focus', 'pageshow', 'online', 'pagehide']) window.dispatchEvent(new Event(type));
    for (const type of ['visibilitychange', 'resume']) document.dispatchEvent(new Event(type));
    expect(wake).toHaveBeenCalledTimes(6);
    expect(hide).toHaveBeenCalledTimes(3);
    visibility.mockRestore();
  });
});
