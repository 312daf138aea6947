package dev.streammod.pipeline.policy;

import dev.streammod.connectors.avro.Decision;

/**
 * The decision for one segment, the rule that produced it ({@link Policy#DEFAULT_RULE} for ALLOW)
 * and the index of the frame that decided (for ALLOW the riskiest frame; -1 when there were none).
 */
public record PolicyOutcome(Decision decision, String rule, int frame) {}
