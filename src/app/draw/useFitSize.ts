/**
 * The image panel's picture as large as its panel allows (#17: a 224x224 input was drawn at
 * 169 px in a 440 px panel): the side of a square that fits the panel body's width less the facts
 * beside it and its height less the colour bar, decomposition and strip below, never under `min`
 * (the old fixed size) nor over `max`. Follows the panel's size (ResizeObserver).
 */
import { useEffect, useState, type RefObject } from 'react';

export interface FitOptions {
  /** Width kept for what sits beside the picture (the image facts). */
  beside: number;
  /** Height kept for what sits below it (legend, scale line, decomposition, strip). */
  below: number;
  min: number;
  max: number;
}

export function fitSide(body: { width: number; height: number }, o: FitOptions): number {
  const side = Math.min(body.width - o.beside, body.height - o.below);
  return Math.max(o.min, Math.min(o.max, Math.floor(side)));
}

/** The fitted side for the element's closest `.panel-body` (min until it is measured). */
export function useFitSize(ref: RefObject<HTMLElement | null>, o: FitOptions): number {
  const [side, setSide] = useState(o.min);
  useEffect(() => {
    const body = ref.current?.closest('.panel-body');
    if (!body) return;
    const ro = new ResizeObserver(([e]) => setSide(fitSide(e.contentRect, o)));
    ro.observe(body);
    return () => ro.disconnect();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ref, o.beside, o.below, o.min, o.max]);
  return side;
}
