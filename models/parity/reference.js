// Reference probabilities for the parity test, computed by nsfwjs itself with TensorFlow.js on its
// CPU backend. Writes ../src/test/resources/parity/nsfwjs-mobilenet-v2-reference.json.
// Run with `npm ci && npm run reference`.
//
// What it calls, per image (224x224 RGB PNG):
//   1. pngjs decodes the PNG to RGBA bytes; we keep R, G, B (the sha256 of these 224*224*3 bytes
//      goes into the fixture so the Java side can prove it decoded the very same pixels);
//   2. input = tf.tensor4d(Float32Array(rgb[i] / 255), [1, 224, 224, 3])  (NHWC, no mean/std);
//   3. probabilities = nsfw.model.predict(input)  -- nsfw = await nsfwjs.load('MobileNetV2'),
//      nsfw.model the tf.LayersModel nsfwjs built from its bundled model.min.js + shard.
// As a cross-check it also runs nsfwjs's own entry point, nsfw.infer(tf.tensor3d(rgb, [224, 224,
// 3], 'int32')), which divides by 255 itself; the largest difference between the two is recorded.
'use strict';

const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { PNG } = require('pngjs');
const tf = require('@tensorflow/tfjs');
const nsfwjs = require('nsfwjs');

const SIZE = 224;
const RESOURCES = path.join(__dirname, '..', 'src', 'test', 'resources', 'parity');
const IMAGES = path.join(RESOURCES, 'images');
const OUT = path.join(RESOURCES, 'nsfwjs-mobilenet-v2-reference.json');
const LABELS = ['Drawing', 'Hentai', 'Neutral', 'Porn', 'Sexy'];

function version(pkg) {
  // not require.resolve(pkg + '/package.json'): nsfwjs's "exports" does not expose it
  const file = path.join(__dirname, 'node_modules', ...pkg.split('/'), 'package.json');
  return JSON.parse(fs.readFileSync(file, 'utf8')).version;
}

function rgbOf(file) {
  const png = PNG.sync.read(fs.readFileSync(file));
  if (png.width !== SIZE || png.height !== SIZE) {
    throw new Error(`${file} is ${png.width}x${png.height}, expected ${SIZE}x${SIZE}`);
  }
  const rgb = Buffer.alloc(SIZE * SIZE * 3);
  for (let i = 0, j = 0; i < png.data.length; i += 4, j += 3) {
    rgb[j] = png.data[i];
    rgb[j + 1] = png.data[i + 1];
    rgb[j + 2] = png.data[i + 2];
  }
  return rgb;
}

async function main() {
  await tf.setBackend('cpu');
  await tf.ready();
  if (tf.getBackend() !== 'cpu') {
    throw new Error('expected the cpu backend, got ' + tf.getBackend());
  }
  const nsfw = await nsfwjs.load('MobileNetV2');
  const sources = JSON.parse(fs.readFileSync(path.join(IMAGES, 'sources.json'), 'utf8'));
  const images = [];
  let inferVsPredict = 0;
  for (const s of sources) {
    const rgb = rgbOf(path.join(IMAGES, s.file));
    const floats = new Float32Array(rgb.length);
    for (let i = 0; i < rgb.length; i++) {
      floats[i] = rgb[i] / 255;
    }
    const input = tf.tensor4d(floats, [1, SIZE, SIZE, 3]);
    const output = nsfw.model.predict(input);
    const probabilities = Array.from(await output.data());
    tf.dispose([input, output]);

    const pixels = tf.tensor3d(rgb, [SIZE, SIZE, 3], 'int32');
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
  const fixture = {
    description:
      'nsfwjs MobileNetV2 probabilities computed by nsfwjs itself (TensorFlow.js, CPU backend)',
    generator: 'models/parity/reference.js',
    versions: {
      nsfwjs: version('nsfwjs'),
      '@tensorflow/tfjs': version('@tensorflow/tfjs'),
      '@tensorflow/tfjs-backend-cpu': version('@tensorflow/tfjs-backend-cpu'),
      pngjs: version('pngjs'),
      node: process.versions.node,
    },
    backend: tf.getBackend(),
    model: 'MobileNetV2 (nsfwjs.load("MobileNetV2"))',
    call: 'nsfw.model.predict(tf.tensor4d(rgb / 255, [1, 224, 224, 3]))',
    preprocessing: {
      decode: 'pngjs PNG.sync.read, RGBA -> RGB bytes',
      layout: 'NHWC',
      width: SIZE,
      height: SIZE,
      scale: '1/255 (float32(v / 255))',
      mean: [0, 0, 0],
      std: [1, 1, 1],
    },
    labels: LABELS,
    inferVsPredictMaxAbsDiff: inferVsPredict,
    images,
  };
  fs.writeFileSync(OUT, JSON.stringify(fixture, null, 2) + '\n');
  console.log(`wrote ${images.length} references to ${OUT}; infer vs predict max |d| ${inferVsPredict}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
