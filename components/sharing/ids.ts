/** Where focus goes once the thing it was on is gone (a removed row, a closed dialog): the People section's heading. */
export const PEOPLE_HEADING_ID = 'people-heading';
