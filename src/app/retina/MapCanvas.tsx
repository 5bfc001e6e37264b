/** One heatmap canvas, redrawn when its values change; pixelated, scaled by CSS. */
import { useEffect, useRef } from 'react';
import { drawMap } from './heatmap';

export function MapCanvas({ values, w, h, maxAbs, gray, stride, offset, px, testId }: { values: ArrayLike<number>; w: number; h: number; maxAbs: number; gray?: boolean; stride?: number; offset?: number; px: number; testId?: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (ref.current) drawMap(ref.current, values, w, h, { maxAbs, gray, stride, offset });
  }, [values, w, h, maxAbs, gray, stride, offset]);
  return <canvas ref={ref} className="retina-map" data-testid={testId} style={{ width: w * px, height: h * px }} />;
}
