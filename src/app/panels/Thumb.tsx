/** One image's thumbnail cut from the analysis sprite (CSS background), pixelated when enlarged. */
import { useEffect, useState } from 'react';
import type { SpriteData } from '../../worker/api';
import { spriteUrl } from '../draw/sprite';

export function useSpriteUrl(sprite: SpriteData | null | undefined): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    if (sprite) void spriteUrl(sprite).then((u) => live && setUrl(u));
    else setUrl(null);
    return () => {
      live = false;
    };
  }, [sprite]);
  return url;
}

export interface ThumbProps {
  sprite: SpriteData;
  url: string | null;
  index: number;
  size: number;
  title?: string;
  selected?: boolean;
  onClick?: () => void;
  caption?: string;
}

export function Thumb({ sprite, url, index, size, title, selected, onClick, caption }: ThumbProps) {
  const scale = size / Math.max(sprite.cellWidth, sprite.cellHeight);
  const col = index % sprite.cols;
  const row = Math.floor(index / sprite.cols);
  const style: React.CSSProperties = {
    width: sprite.cellWidth * scale,
    height: sprite.cellHeight * scale,
    backgroundImage: url ? `url(${url})` : undefined,
    backgroundSize: `${sprite.width * scale}px ${sprite.height * scale}px`,
    backgroundPosition: `${-col * sprite.cellWidth * scale}px ${-row * sprite.cellHeight * scale}px`,
  };
  const Tag = onClick ? 'button' : 'div';
  return (
    <Tag className={`thumb${selected ? ' selected' : ''}`} title={title} onClick={onClick} data-image={index} type={onClick ? 'button' : undefined}>
      <span className="thumb-img" style={style} />
      {caption !== undefined && <span className="thumb-cap">{caption}</span>}
    </Tag>
  );
}
