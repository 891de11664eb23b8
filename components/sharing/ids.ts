/** Where focus goes once the thing it was on is gone (a removed row, a closed dialog): the People section's heading. */
export const PEOPLE_HEADING_ID = 'people-heading';

/**
 * Moves focus to that heading once a confirming dialog has closed (closing hands focus back to the
 * button that opened it, which may be gone), and again if the list's refresh, arriving later on a slow
 * server, dropped focus to the page.
 */
export function focusPeopleHeading(): void {
  const focus = () => document.getElementById(PEOPLE_HEADING_ID)?.focus();
  setTimeout(focus, 50);
  for (const ms of [300, 1000, 2500]) {
    setTimeout(() => {
      if (!document.activeElement || document.activeElement === document.body) focus();
    }, ms);
  }
}
