// Reference probabilities for the parity test, computed by nsfwjs itself with TensorFlow.js on its
// CPU backend. `node reference.js MobileNetV2` writes
// ../bundle/src/test/resources/parity/nsfwjs-mobilenet-v2-reference.json, `node reference.js
// InceptionV3` writes nsfwjs-inception-v3-reference.json beside it. Run with `npm ci && npm run
// reference` (both).
//
// What it calls, per image (the 224x224 RGB PNGs of ../bundle/src/test/resources/parity/images):
//   1. pngjs decodes the PNG to RGBA bytes; we keep R, G, B;
//   2. for InceptionV3 (299x299) those bytes are scaled up to 299x299 by upscale() below, a
//      bilinear resize with aligned corners computed in integers, so that the Java test can make
//      the very same bytes; the sha256 of the bytes the model sees goes into the fixture either way;
//   3. input = tf.tensor4d(Float32Array(rgb[i] / 255), [1, size, size, 3])  (NHWC, no mean/std);
//   4. probabilities = nsfw.model.predict(input)  -- nsfw = await nsfwjs.load(name), nsfw.model
//      the tf.LayersModel nsfwjs built from its bundled model.min.js + weight shards.
// As a cross-check it also runs nsfwjs's own entry point, nsfw.infer(tf.tensor3d(rgb, [size, size,
// 3], 'int32')), which divides by 255 itself; the largest difference between the two is recorded.
'use strict';

const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { PNG } = require('pngjs');
const tf = require('@tensorflow/tfjs');
const nsfwjs = require('nsfwjs');

const IMAGE_SIZE = 224; // the committed PNGs
const RESOURCES = path.join(__dirname, '..', 'bundle', 'src', 'test', 'resources', 'parity');
const IMAGES = path.join(RESOURCES, 'images');
const LABELS = ['Drawing', 'Hentai', 'Neutral', 'Porn', 'Sexy'];
// nsfwjs's model names, the input size its model definitions set, and our fixture file.
const MODELS = {
  MobileNetV2: { size: 224, out: 'nsfwjs-mobilenet-v2-reference.json' },
  InceptionV3: { size: 299, out: 'nsfwjs-inception-v3-reference.json' },
};

function version(pkg) {
  // not require.resolve(pkg + '/package.json'): nsfwjs's "exports" does not expose it
  const file = path.join(__dirname, 'node_modules', ...pkg.split('/'), 'package.json');
  return JSON.parse(fs.readFileSync(file, 'utf8')).version;
}

function rgbOf(file) {
  const png = PNG.sync.read(fs.readFileSync(file));
  if (png.width !== IMAGE_SIZE || png.height !== IMAGE_SIZE) {
    throw new Error(`${file} is ${png.width}x${png.height}, expected ${IMAGE_SIZE}x${IMAGE_SIZE}`);
  }
  const rgb = Buffer.alloc(IMAGE_SIZE * IMAGE_SIZE * 3);
  for (let i = 0, j = 0; i < png.data.length; i += 4, j += 3) {
    rgb[j] = png.data[i];
    rgb[j + 1] = png.data[i + 1];
    rgb[j + 2] = png.data[i + 2];
  }
  return rgb;
}

// Square RGB bytes from `from` to `to` pixels a side, bilinear with aligned corners (output pixel d
// samples source position d * (from - 1) / (to - 1), as tf.image.resizeBilinear with alignCorners
// true, which nsfwjs uses for images of another size). Integer arithmetic only: the weights are in
// (to - 1)ths and the sum is rounded half up, so any language computes the same bytes.
function upscale(rgb, from, to) {
  const den = to - 1;
  const out = Buffer.alloc(to * to * 3);
  for (let y = 0; y < to; y++) {
    const y0 = Math.floor((y * (from - 1)) / den);
    const fy = y * (from - 1) - y0 * den;
    const y1 = Math.min(y0 + 1, from - 1);
    for (let x = 0; x < to; x++) {
      const x0 = Math.floor((x * (from - 1)) / den);
      const fx = x * (from - 1) - x0 * den;
      const x1 = Math.min(x0 + 1, from - 1);
      for (let c = 0; c < 3; c++) {
        const sum =
          rgb[(y0 * from + x0) * 3 + c] * (den - fy) * (den - fx) +
          rgb[(y0 * from + x1) * 3 + c] * (den - fy) * fx +
          rgb[(y1 * from + x0) * 3 + c] * fy * (den - fx) +
          rgb[(y1 * from + x1) * 3 + c] * fy * fx;
        out[(y * to + x) * 3 + c] = Math.floor((sum + (den * den) / 2) / (den * den));
      }
    }
  }
  return out;
}

async function main() {
  const name = process.argv[2];
  const model = MODELS[name];
  if (!model) {
    throw new Error(`usage: node reference.js ${Object.keys(MODELS).join('|')}`);
  }
  const size = model.size;
  await tf.setBackend('cpu');
  await tf.ready();
  if (tf.getBackend() !== 'cpu') {
    throw new Error('expected the cpu backend, got ' + tf.getBackend());
  }
  const nsfw = await nsfwjs.load(name);
  const sources = JSON.parse(fs.readFileSync(path.join(IMAGES, 'sources.json'), 'utf8'));
  const images = [];
  let inferVsPredict = 0;
  for (const s of sources) {
    const png = rgbOf(path.join(IMAGES, s.file));
    const rgb = size === IMAGE_SIZE ? png : upscale(png, IMAGE_SIZE, size);
    const floats = new Float32Array(rgb.length);
    for (let i = 0; i < rgb.length; i++) {
      floats[i] = rgb[i] / 255;
    }
    const input = tf.tensor4d(floats, [1, size, size, 3]);
    const output = nsfw.model.predict(input);
    const probabilities = Array.from(await output.data());
    tf.dispose([input, output]);

    const pixels = tf.tensor3d(rgb, [size, size, 3], 'int32');
    const viaInfer = nsfw.infer(pixels);
    const p2 = await viaInfer.data();
    tf.dispose([pixels, viaInfer]);
    probabilities.forEach((p, i) => {
      inferVsPredict = Math.max(inferVsPredict, Math.abs(p - p2[i]));
    });

    const top = probabilities.indexOf(Math.max(...probabilities));
    images.push({
      file: 'images/' + s.file,
      kind: s.kind,
      rgbSha256: crypto.createHash('sha256').update(rgb).digest('hex'),
      probabilities,
      top1: LABELS[top],
    });
    console.log(`${s.file}: ${LABELS[top]} ${probabilities.map((p) => p.toFixed(4)).join(' ')}`);
  }
  const preprocessing = {
    decode: 'pngjs PNG.sync.read, RGBA -> RGB bytes',
  };
  if (size !== IMAGE_SIZE) {
    preprocessing.resize =
      `${IMAGE_SIZE}x${IMAGE_SIZE} -> ${size}x${size}: bilinear, aligned corners, integer ` +
      `weights in ${size - 1}ths, rounded half up (reference.js upscale())`;
  }
  Object.assign(preprocessing, {
    layout: 'NHWC',
    width: size,
    height: size,
    scale: '1/255 (float32(v / 255))',
    mean: [0, 0, 0],
    std: [1, 1, 1],
  });
  const fixture = {
    description: `nsfwjs ${name} probabilities computed by nsfwjs itself (TensorFlow.js, CPU backend)`,
    generator: 'models/parity/reference.js',
    versions: {
      nsfwjs: version('nsfwjs'),
      '@tensorflow/tfjs': version('@tensorflow/tfjs'),
      '@tensorflow/tfjs-backend-cpu': version('@tensorflow/tfjs-backend-cpu'),
      pngjs: version('pngjs'),
      node: process.versions.node,
    },
    backend: tf.getBackend(),
    model: `${name} (nsfwjs.load("${name}"))`,
    call: `nsfw.model.predict(tf.tensor4d(rgb / 255, [1, ${size}, ${size}, 3]))`,
    preprocessing,
    labels: LABELS,
    inferVsPredictMaxAbsDiff: inferVsPredict,
    images,
  };
  const out = path.join(RESOURCES, model.out);
  fs.writeFileSync(out, JSON.stringify(fixture, null, 2) + '\n');
  console.log(`wrote ${images.length} references to ${out}; infer vs predict max |d| ${inferVsPredict}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
