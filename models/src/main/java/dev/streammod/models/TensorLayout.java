package dev.streammod.models;

/** Memory layout of the model's image input: channels first ([N,3,H,W]) or last ([N,H,W,3]). */
public enum TensorLayout {
  NCHW,
  NHWC
}
