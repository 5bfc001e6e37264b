/** One image's thumbnail cut from the analysis sprite (CSS background), pixelated when enlarged. */
import { useEffect, useState } from 'react';
import type { SpriteData } from '../../worker/api';
import { spriteUrl } from '../draw/sprite';

/**
 * The object URL of `sprite`, once made; null until then. The URL is kept with the sprite it shows,
 * so that while a new analysis' sprite is being made no thumbnail cuts the previous one with the
 * new one's geometry (they showed crops of other images for a moment).
 */
export function useSpriteUrl(sprite: SpriteData | null | undefined): string | null {
  const [made, setMade] = useState<{ sprite: SpriteData; url: string } | null>(null);
  useEffect(() => {
    let live = true;
    if (sprite) void spriteUrl(sprite).then((url) => live && setMade({ sprite, url }));
    return () => {
      live = false;
    };
  }, [sprite]);
  return sprite && made?.sprite === sprite ? made.url : null;
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
  /** False inside a list that takes the arrow keys itself (one tab stop for the list, not one per image). */
  focusable?: boolean;
}

export function Thumb({ sprite, url, index, size, title, selected, onClick, caption, focusable = true }: ThumbProps) {
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
    <Tag className={`thumb${selected ? ' selected' : ''}`} title={title} onClick={onClick} data-image={index} type={onClick ? 'button' : undefined} tabIndex={focusable ? undefined : -1}>
      <span className="thumb-img" style={style} />
      {caption !== undefined && <span className="thumb-cap">{caption}</span>}
    </Tag>
  );
}
