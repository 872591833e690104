/**
 * The quick-talk window's size: main makes it this big, the page lays itself out for it, and the
 * browser tests open it at this size. Tall enough for the pulse row and the text field under it.
 */
export const QUICK_TALK_SIZE = { width: 360, height: 208 } as const;
