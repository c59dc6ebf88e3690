/**
 * Just enough PNG decoding to tell a real screenshot from a blank one:
 * the size from IHDR, the pixels from the IDAT stream (zlib, each row
 * unfiltered), for 8-bit RGB or RGBA images — what Chromium writes.
 * @module
 */

/** What a screenshot shows, in numbers. */
export interface PngStats {
  width: number;
  height: number;
  /** Distinct colours (RGB). */
  colours: number;
  /** Share of pixels that are not white, 0 to 1. */
  inked: number;
}

/** Reads a PNG's size and pixel statistics; throws on anything else. */
export async function pngStats(bytes: Uint8Array): Promise<PngStats> {
  const signature = [137, 80, 78, 71, 13, 10, 26, 10];
  if (!signature.every((b, i) => bytes[i] === b)) throw new Error("not a PNG");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let width = 0, height = 0, depth = 0, type = 0;
  const idat: Uint8Array[] = [];
  for (let at = 8; at < bytes.length;) {
    const length = view.getUint32(at);
    const kind = new TextDecoder().decode(bytes.subarray(at + 4, at + 8));
    const data = bytes.subarray(at + 8, at + 8 + length);
    if (kind === "IHDR") {
      width = view.getUint32(at + 8);
      height = view.getUint32(at + 12);
      depth = data[8]!;
      type = data[9]!;
      if (data[12] !== 0) throw new Error("interlaced PNG");
    } else if (kind === "IDAT") idat.push(data);
    at += 12 + length;
  }
  const channels = type === 6 ? 4 : type === 2 ? 3 : 0;
  if (depth !== 8 || channels === 0) {
    throw new Error(`PNG type ${type} depth ${depth} not read here`);
  }
  const raw = new Uint8Array(
    await new Response(
      new Blob(idat as BlobPart[]).stream().pipeThrough(
        new DecompressionStream("deflate"),
      ),
    ).arrayBuffer(),
  );
  const stride = width * channels;
  const pixels = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const row = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const out = pixels.subarray(y * stride, (y + 1) * stride);
    const up = y > 0 ? pixels.subarray((y - 1) * stride, y * stride) : null;
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? out[x - channels]! : 0;
      const b = up ? up[x]! : 0;
      const c = up && x >= channels ? up[x - channels]! : 0;
      let predicted = 0;
      if (filter === 1) predicted = a;
      else if (filter === 2) predicted = b;
      else if (filter === 3) predicted = (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        predicted = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      out[x] = (row[x]! + predicted) & 0xff;
    }
  }
  const colours = new Set<number>();
  let inked = 0;
  for (let i = 0; i < pixels.length; i += channels) {
    const rgb = (pixels[i]! << 16) | (pixels[i + 1]! << 8) | pixels[i + 2]!;
    colours.add(rgb);
    if (rgb !== 0xffffff) inked++;
  }
  return {
    width,
    height,
    colours: colours.size,
    inked: inked / (width * height),
  };
}
