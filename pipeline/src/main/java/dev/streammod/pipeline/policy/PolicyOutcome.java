package dev.streammod.pipeline.policy;

import dev.streammod.connectors.avro.Decision;

/** The decision for one segment and the rule that produced it. */
public record PolicyOutcome(Decision decision, String rule) {}
