/** The model-retina view's address: `#retina` opens it instead of the explorer (switching reloads the page). */
export const RETINA_HASH = '#retina';

export const isRetinaHash = (hash: string): boolean => hash === RETINA_HASH;
