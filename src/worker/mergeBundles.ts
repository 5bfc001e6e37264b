import { validateManifest } from '../core/bundle/validate';
import { BundleFiles, upgradeFromFiles, type Manifest } from './bundleFiles';
import { fail } from './fail';

/** One bundle from per-layer bundles of the same model, images and settings. */
export function mergeBundles(parts: Map<string, Uint8Array>[]): BundleFiles {
  const files = new Map<string, Uint8Array>();
  let manifest: Manifest | null = null;
  for (const p of parts) {
    const raw = p.get('manifest.json');
    if (!raw) fail('analyze: a layer result has no manifest.json.', 'BundleError');
    const m = validateManifest(JSON.parse(new TextDecoder().decode(raw)), (f) => p.get(f)?.length);
    upgradeFromFiles(m, p); // a layer cached in format 1 (the symmetric completeness measure) is read as format 2
    if (!manifest) manifest = { ...m, layers: [...m.layers] };
    else for (const l of m.layers) if (!manifest.layers.some((x) => x.name === l.name)) manifest.layers.push(l);
    for (const [k, v] of p) if (k !== 'manifest.json') files.set(k, v);
  }
  if (!manifest) fail('analyze: no layer finished.', 'CancelledError');
  files.set('manifest.json', new TextEncoder().encode(JSON.stringify(manifest)));
  return new BundleFiles(manifest, files);
}
