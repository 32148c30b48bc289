using ChatStreams.Kafka.Broker.Cluster;
using ChatStreams.Kafka.Broker.Protocol;
using ChatStreams.Kafka.Broker.Server;
using ChatStreams.Kafka.Broker.Storage;

namespace ChatStreams.Kafka.Broker.Handlers;

/// <summary>
/// Fetch v4–v12 without fetch sessions (session id 0: every fetch is a full fetch). read_committed requests
/// stop at the last stable offset and get the aborted transactions overlapping the returned range. A fetch
/// with too little data waits (long poll) until min_bytes arrive or max_wait_ms passes.
/// </summary>
public sealed class FetchHandler(TopicCatalog catalog, TimeProvider time) : IRequestHandler
{
    public ApiKey Key => ApiKey.Fetch;

    private sealed record PartitionFetch(int Index, long FetchOffset, int MaxBytes, int CurrentLeaderEpoch);

    private sealed record PartitionData(
        int Index, ErrorCode Error, long HighWatermark, long LastStableOffset, long LogStartOffset,
        List<PartitionTransactions.AbortedTransaction>? Aborted, ReadOnlyMemory<byte>? Records);

    public async ValueTask HandleAsync(RequestContext context, KafkaWriter w, CancellationToken cancellationToken)
    {
        var r = context.Body;
        var v = context.Version;
        var flex = context.Flexible;
        r.Int32(); // replica id: consumers only
        var maxWaitMs = Math.Max(0, r.Int32());
        var minBytes = r.Int32();
        var maxBytes = r.Int32();
        if (maxBytes <= 0) maxBytes = int.MaxValue;
        var readCommitted = r.Int8() == 1;
        if (v >= 7) { r.Int32(); r.Int32(); } // session id, epoch
        var request = new List<(string Topic, List<PartitionFetch> Partitions)>();
        var topicCount = r.ArrayLength(flex);
        for (var t = 0; t < topicCount; t++)
        {
            var topic = r.String(flex);
            var partitions = new List<PartitionFetch>();
            var n = r.ArrayLength(flex);
            for (var i = 0; i < n; i++)
            {
                var index = r.Int32();
                var leaderEpoch = v >= 9 ? r.Int32() : -1;
                var offset = r.Int64();
                if (v >= 12) r.Int32(); // last fetched epoch
                if (v >= 5) r.Int64(); // log start offset (followers only)
                var partitionMaxBytes = r.Int32();
                r.TaggedFields(flex);
                partitions.Add(new PartitionFetch(index, offset, partitionMaxBytes, leaderEpoch));
            }
            r.TaggedFields(flex);
            request.Add((topic, partitions));
        }
        if (v >= 7)
        {
            var forgotten = r.ArrayLength(flex);
            for (var i = 0; i < forgotten; i++)
            {
                r.String(flex);
                var n = r.ArrayLength(flex);
                for (var j = 0; j < n; j++) r.Int32();
                r.TaggedFields(flex);
            }
        }
        if (v >= 11) r.NullableString(flex); // rack id
        r.TaggedFields(flex);

        var deadline = time.GetTimestamp() + TimeSpan.FromMilliseconds(maxWaitMs).Ticks * time.TimestampFrequency / TimeSpan.TicksPerSecond;
        while (true)
        {
            // Take the signals before reading so an append between read and wait is never missed. A read_committed
            // fetch waits for the stable offset to move: an append inside an open transaction shows it nothing.
            var signals = new List<Task>();
            foreach (var (topicName, partitions) in request)
            {
                var topic = catalog.Find(topicName);
                foreach (var pf in partitions)
                    if (topic?.Partition(pf.Index) is { } p) signals.Add(readCommitted ? p.StableSignal : p.AppendedSignal);
            }
            var slices = new List<FetchSlice>();
            try
            {
                var (results, totalBytes, anyError) = Read(request, maxBytes, readCommitted, slices);
                var remaining = time.GetElapsedTime(time.GetTimestamp(), deadline);
                if (totalBytes >= minBytes || anyError || remaining <= TimeSpan.Zero || signals.Count == 0)
                {
                    Write(w, v, flex, results);
                    return;
                }
            }
            finally
            {
                // The writer copied the bytes: hand the pooled read buffers back.
                foreach (var slice in slices) slice.Dispose();
            }
            var wait = time.GetElapsedTime(time.GetTimestamp(), deadline);
            if (wait <= TimeSpan.Zero) continue; // the next pass answers with whatever is there
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var delay = Task.Delay(wait, time, timeout.Token);
            await Task.WhenAny(signals.Append(delay));
            timeout.Cancel();
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    private (List<(string, List<PartitionData>)> Results, long Bytes, bool AnyError) Read(
        List<(string Topic, List<PartitionFetch> Partitions)> request, int maxBytes, bool readCommitted, List<FetchSlice> slices)
    {
        var results = new List<(string, List<PartitionData>)>(request.Count);
        long total = 0;
        var anyError = false;
        foreach (var (topicName, partitions) in request)
        {
            var topic = catalog.Find(topicName);
            var list = new List<PartitionData>(partitions.Count);
            foreach (var pf in partitions)
            {
                var p = topic?.Partition(pf.Index);
                if (p is null)
                {
                    list.Add(new PartitionData(pf.Index, ErrorCode.UnknownTopicOrPartition, -1, -1, -1, null, null));
                    anyError = true;
                    continue;
                }
                var hwm = p.HighWatermark;
                var lso = p.LastStableOffset;
                var start = p.LogStartOffset;
                if (pf.CurrentLeaderEpoch > Partition.LeaderEpoch)
                {
                    list.Add(new PartitionData(pf.Index, ErrorCode.UnknownLeaderEpoch, hwm, lso, start, null, null));
                    anyError = true;
                    continue;
                }
                if (pf.FetchOffset < start || pf.FetchOffset > hwm)
                {
                    list.Add(new PartitionData(pf.Index, ErrorCode.OffsetOutOfRange, hwm, lso, start, null, null));
                    anyError = true;
                    continue;
                }
                var upper = readCommitted ? lso : hwm;
                ReadOnlyMemory<byte>? records = null;
                List<PartitionTransactions.AbortedTransaction>? aborted = null;
                // The first partition with data always returns at least one batch, so a batch larger than
                // max_bytes can never block a consumer; later partitions respect the remaining budget.
                var budget = (int)Math.Min(pf.MaxBytes, total == 0 ? Math.Max(maxBytes, 1) : maxBytes - total);
                if (pf.FetchOffset < upper && budget > 0)
                {
                    try
                    {
                        var slice = p.Log.Read(pf.FetchOffset, budget, upper);
                        slices.Add(slice);
                        if (slice.Bytes.Length > 0)
                        {
                            records = slice.Bytes;
                            total += slice.Bytes.Length;
                            if (readCommitted) aborted = p.AbortedTransactions(pf.FetchOffset, upper);
                        }
                    }
                    catch (OffsetOutOfRangeException)
                    {
                        // Retention moved the log start between our check and the read.
                        list.Add(new PartitionData(pf.Index, ErrorCode.OffsetOutOfRange, hwm, lso, p.LogStartOffset, null, null));
                        anyError = true;
                        continue;
                    }
                }
                list.Add(new PartitionData(pf.Index, ErrorCode.None, hwm, lso, start, aborted ?? (readCommitted ? [] : null), records));
            }
            results.Add((topicName, list));
        }
        return (results, total, anyError);
    }

    private static void Write(KafkaWriter w, short v, bool flex, List<(string Topic, List<PartitionData> Partitions)> results)
    {
        w.Reserve(SizeBound(results));
        w.Int32(0); // throttle
        if (v >= 7)
        {
            w.Int16(0);
            w.Int32(0); // no fetch session
        }
        w.ArrayLength(results.Count, flex);
        foreach (var (topic, partitions) in results)
        {
            w.String(topic, flex);
            w.ArrayLength(partitions.Count, flex);
            foreach (var pd in partitions)
            {
                w.Int32(pd.Index);
                w.Int16((short)pd.Error);
                w.Int64(pd.HighWatermark);
                w.Int64(pd.LastStableOffset);
                if (v >= 5) w.Int64(pd.LogStartOffset);
                w.Array(pd.Aborted, flex, (x, a) =>
                {
                    x.Int64(a.ProducerId);
                    x.Int64(a.FirstOffset);
                    x.TaggedFields(flex);
                });
                if (v >= 11) w.Int32(-1); // preferred read replica
                // Empty, never null: librdkafka treats a null records field as a parse failure.
                w.Bytes(pd.Records is { } bytes ? bytes.Span : [], flex);
                w.TaggedFields(flex);
            }
            w.TaggedFields(flex);
        }
        w.TaggedFields(flex);
    }

    /// <summary>
    /// At least the bytes <see cref="Write"/> puts down for <paramref name="results"/>, in any version: per partition
    /// its fixed fields (at most 45 bytes with lengths and tags), 17 per aborted transaction (with its tags) and its records; per topic
    /// its name (at most 3 UTF-8 bytes a char) and lengths.
    /// </summary>
    private static int SizeBound(List<(string Topic, List<PartitionData> Partitions)> results)
    {
        long size = 16;
        foreach (var (topic, partitions) in results)
        {
            size += 3L * topic.Length + 12;
            foreach (var pd in partitions)
                size += 48 + 17L * (pd.Aborted?.Count ?? 0) + (pd.Records?.Length ?? 0);
        }
        return (int)Math.Min(size, int.MaxValue / 2);
    }
}
