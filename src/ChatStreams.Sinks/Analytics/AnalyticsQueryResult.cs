namespace ChatStreams.Sinks.Analytics;

/// <summary>
/// A query's answer in a store-neutral shape: column names and types, and rows of plain values (long, double, decimal,
/// bool, string or null) that print and serialize the same whichever store answered.
/// </summary>
public sealed record AnalyticsQueryResult(IReadOnlyList<AnalyticsColumn> Columns, IReadOnlyList<IReadOnlyList<object?>> Rows);

public sealed record AnalyticsColumn(string Name, string Type);

/// <summary>The query could not run: bad SQL, a refused write, or a store that did not answer. The message says which and what to do.</summary>
public sealed class AnalyticsQueryException(string message, Exception? inner = null) : Exception(message, inner);
