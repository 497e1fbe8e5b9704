// `node scripts/icon.mjs`: the app's icon set in build/ (electron-builder's buildResources), drawn from this file:
// icon.png (1024 px: Linux, and the source electron-builder would convert), icon.ico (Windows, 16 to 256 px) and
// icon.icns (macOS, 16 to 1024 px). Writing .ico and .icns here spares electron-builder its icon converter, a tool
// it downloads. The drawing: a blue rounded square, a white circular arrow (a job that comes round again) around a
// play sign (a run). Shapes are signed distance functions, so every size is drawn sharp with smooth edges, and the
// output is the same bytes on every machine (test/packaging/icon.test.ts holds build/ to it).
import { Buffer } from 'node:buffer';
import console from 'node:console';
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const TOP = [0x3b, 0x6f, 0xe0];
const BOTTOM = [0x1d, 0x3a, 0x8a];

const length = (x, y) => Math.sqrt(x * x + y * y);

/** Distance from (x, y) to a box of half-size h with corner radius r, centred at 0 (negative inside). */
function roundedBox(x, y, h, r) {
  const qx = Math.abs(x) - h + r;
  const qy = Math.abs(y) - h + r;
  return length(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
}

/** Distance to a convex polygon given counter-clockwise (negative inside). */
function convexPolygon(x, y, points) {
  let inside = true;
  let nearest = Infinity;
  for (let i = 0; i < points.length; i++) {
    const [ax, ay] = points[i];
    const [bx, by] = points[(i + 1) % points.length];
    const ex = bx - ax;
    const ey = by - ay;
    const t = Math.min(1, Math.max(0, ((x - ax) * ex + (y - ay) * ey) / (ex * ex + ey * ey)));
    nearest = Math.min(nearest, length(x - ax - ex * t, y - ay - ey * t));
    if (ex * (y - ay) - ey * (x - ax) < 0) inside = false;
  }
  return inside ? -nearest : nearest;
}

// The arrow: an arc of radius R and thickness T from START clockwise to END (radians, y down), with round tail and
// an arrowhead at its end.
const R = 0.255;
const T = 0.07;
const START = -Math.PI / 2 + 0.55;
const SWEEP = 2 * Math.PI - 1.25;
const END = START + SWEEP;

function arc(x, y) {
  let angle = Math.atan2(y, x) - START;
  angle = ((angle % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI);
  if (angle <= SWEEP) return Math.abs(length(x, y) - R) - T / 2;
  const tail = length(x - R * Math.cos(START), y - R * Math.sin(START));
  const head = length(x - R * Math.cos(END), y - R * Math.sin(END));
  return Math.min(tail, head) - T / 2;
}

const HEAD = (() => {
  const [cx, cy] = [R * Math.cos(END), R * Math.sin(END)];
  const [tx, ty] = [-Math.sin(END), Math.cos(END)]; // clockwise tangent
  const [nx, ny] = [Math.cos(END), Math.sin(END)];
  const reach = 0.11;
  const wing = 0.1;
  return [
    [cx + nx * wing, cy + ny * wing],
    [cx + tx * reach, cy + ty * reach],
    [cx - nx * wing, cy - ny * wing],
  ];
})();

const PLAY = [
  [-0.075, -0.11],
  [-0.075, 0.11],
  [0.115, 0],
];

/** Orders a triangle's points counter-clockwise for convexPolygon (in y-down coordinates). */
function counterClockwise(points) {
  const [[ax, ay], [bx, by], [cx, cy]] = points;
  return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax) > 0 ? points : [...points].reverse();
}
const HEAD_CCW = counterClockwise(HEAD);
const PLAY_CCW = counterClockwise(PLAY);

/** The icon at `size` pixels: RGBA rows. */
export function drawIcon(size) {
  const pixels = Buffer.alloc(size * size * 4);
  const pixel = 1 / size;
  const coverage = (distance) => Math.min(1, Math.max(0, 0.5 - distance / pixel));
  for (let row = 0; row < size; row++) {
    const y = (row + 0.5) / size - 0.5;
    const shade = (row + 0.5) / size;
    for (let column = 0; column < size; column++) {
      const x = (column + 0.5) / size - 0.5;
      const background = coverage(roundedBox(x, y, 0.44, 0.1));
      const mark = coverage(Math.min(arc(x, y), convexPolygon(x, y, HEAD_CCW), convexPolygon(x, y, PLAY_CCW)));
      const offset = (row * size + column) * 4;
      for (let channel = 0; channel < 3; channel++) {
        const base = TOP[channel] + (BOTTOM[channel] - TOP[channel]) * shade;
        pixels[offset + channel] = Math.round(base + (255 - base) * mark);
      }
      pixels[offset + 3] = Math.round(255 * background);
    }
  }
  return pixels;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** A PNG (8-bit RGBA, no filter) of the icon at `size` pixels. */
export function iconPng(size) {
  const pixels = drawIcon(size);
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let row = 0; row < size; row++) pixels.copy(rows, row * (size * 4 + 1) + 1, row * size * 4, (row + 1) * size * 4);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', zlib.deflateSync(rows, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

export const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];
/** Windows .ico with PNG entries (read by Windows Vista and later). */
export function iconIco() {
  const images = ICO_SIZES.map(iconPng);
  const header = Buffer.alloc(6 + 16 * images.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(images.length, 4);
  let offset = header.length;
  images.forEach((image, i) => {
    const entry = 6 + 16 * i;
    header.writeUInt8(ICO_SIZES[i] % 256, entry); // 0 means 256
    header.writeUInt8(ICO_SIZES[i] % 256, entry + 1);
    header.writeUInt16LE(1, entry + 4); // colour planes
    header.writeUInt16LE(32, entry + 6); // bits per pixel
    header.writeUInt32LE(image.length, entry + 8);
    header.writeUInt32LE(offset, entry + 12);
    offset += image.length;
  });
  return Buffer.concat([header, ...images]);
}

/** macOS .icns element types holding PNG data, by pixel size. */
export const ICNS_TYPES = [
  ['icp4', 16],
  ['icp5', 32],
  ['icp6', 64],
  ['ic07', 128],
  ['ic08', 256],
  ['ic09', 512],
  ['ic10', 1024],
];
export function iconIcns() {
  const elements = ICNS_TYPES.map(([type, size]) => {
    const png = iconPng(size);
    const head = Buffer.alloc(8);
    head.write(type, 0, 'latin1');
    head.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([head, png]);
  });
  const body = Buffer.concat(elements);
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'latin1');
  head.writeUInt32BE(body.length + 8, 4);
  return Buffer.concat([head, body]);
}

/** build/'s icon files and their content. */
export function iconSet() {
  return { 'icon.png': iconPng(1024), 'icon.ico': iconIco(), 'icon.icns': iconIcns() };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const folder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'build');
  fs.mkdirSync(folder, { recursive: true });
  const icons = iconSet();
  for (const [name, content] of Object.entries(icons)) fs.writeFileSync(path.join(folder, name), content);
  console.log(`Wrote ${Object.keys(icons).join(', ')} in ${folder}.`);
}
