// The scheduler's one timer: armed again after every look at the schedules, never two at once.

/** Whatever the timer functions hand back; the scheduler only passes it to clearTimer. */
export type TimerHandle = unknown;

export interface WakeTimer {
  /** Replaces nothing: call disarm first. The callback runs once, after delayMs. */
  arm(delayMs: number, onFire: () => void): void;
  disarm(): void;
}

/** Default: setTimeout, unref'd (the timer never keeps the process alive). */
export function createWakeTimer(
  setTimer: (callback: () => void, delayMs: number) => TimerHandle = defaultSetTimer,
  clearTimer: (handle: TimerHandle) => void = (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
): WakeTimer {
  let timer: { handle: TimerHandle } | null = null;
  return {
    arm(delayMs, onFire) {
      const armed = { handle: undefined as TimerHandle };
      timer = armed;
      armed.handle = setTimer(() => {
        if (timer === armed) timer = null;
        onFire();
      }, delayMs);
    },
    disarm() {
      if (timer) {
        clearTimer(timer.handle);
        timer = null;
      }
    },
  };
}

function defaultSetTimer(callback: () => void, delayMs: number): TimerHandle {
  const timer = setTimeout(callback, delayMs);
  timer.unref();
  return timer;
}
