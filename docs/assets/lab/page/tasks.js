// Waiting for the browser between pieces of work, so that loading the page is a series of short
// tasks, none long enough to hold up a phone's reading of a tap (a "long task" is 50 ms;
// Lighthouse's TBT adds up what each one goes over, on a CPU 4 times slower than a laptop's).

/** A promise settled in a later task (timers and input in between). */
export const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

/** A promise settled after the next frame has been laid out and painted (style and layout of
 *  what was just shown happen in that frame, not in the caller's task). */
export const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
