package dev.streammod.cli.dashboard;

import java.util.List;

/**
 * One page of streams.
 *
 * @param total streams known
 * @param matched streams that pass the filters
 */
public record StreamPage(
    long total,
    long matched,
    int page,
    int pageSize,
    int pages,
    String sort,
    String order,
    long generatedAtMs,
    List<StreamRow> rows) {}
