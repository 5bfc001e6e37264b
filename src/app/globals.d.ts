/** Page globals the app sets for the end-to-end specs. */
interface Window {
  /** The last link the Share button made (the clipboard may be unavailable). */
  __codecLastShare?: string;
}
