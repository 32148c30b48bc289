using ChatStreams.Kafka;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Streams.Runtime;

/// <summary>
/// The one producer of a stream thread. Under exactly-once v2 it is transactional: a transaction begins lazily
/// before the first send after a commit, and a commit sends the consumed offsets into the transaction with the
/// consumer's group metadata (KIP-447: the group generation fences zombies, so one producer per thread suffices
/// whatever tasks the thread owns). Under at-least-once it is a plain idempotent producer.
/// </summary>
internal sealed class StreamsProducer : IDisposable
{
    /// <summary>
    /// How long a transactional call may block past its own timeout before the producer is given up. librdkafka does
    /// not always honour the timeout it is given: send_offsets_to_transaction can wait forever for a group coordinator
    /// after a broker connection broke at the wrong moment (confluentinc/librdkafka#5456 and #5511, seen in our fault
    /// campaign), which would stall every task of the thread until the group evicts it, and never recover.
    /// </summary>
    private static readonly TimeSpan IgnoredTimeoutGrace = TimeSpan.FromSeconds(5);
    private TimeSpan TransactionCallTimeout => _config.TransactionCallTimeout;
    private TimeSpan TransactionCallDeadline => _config.TransactionCallTimeout + IgnoredTimeoutGrace;
    private readonly StreamsConfig _config;
    private readonly string _clientName;
    private readonly ILogger _logger;
    private IProducer<byte[]?, byte[]?>? _producer;
    private TransactionCallThread? _callThread;

    public StreamsProducer(StreamsConfig config, string clientName, string? transactionalId, ILogger logger)
    {
        _config = config;
        _clientName = clientName;
        _logger = logger;
        TransactionalId = config.ProcessingGuarantee == ProcessingGuarantee.ExactlyOnceV2
            ? transactionalId ?? throw new ArgumentNullException(nameof(transactionalId), "exactly-once needs a transactional id")
            : null;
    }

    public bool ExactlyOnce => TransactionalId is not null;
    public string? TransactionalId { get; }
    public bool TransactionInFlight { get; private set; }

    /// <summary>Confluent.Kafka's switch for its background thread that serves delivery reports and errors.</summary>
    private const string BackgroundPollSetting = "dotnet.producer.enable.background.poll";

    private IProducer<byte[]?, byte[]?> Producer => _producer ?? throw new InvalidOperationException("the producer is not initialized");

    /// <summary>Creates the producer; under EOS also InitTransactions, which aborts whatever a previous incarnation left open.</summary>
    public void Initialize()
    {
        var producerConfig = ExactlyOnce
            ? KafkaClientConfigs.TransactionalProducer(_config.Kafka, _clientName, TransactionalId!)
            : KafkaClientConfigs.Producer(_config.Kafka, _clientName);
        // Delivery reports are used for errors and offsets only: do not copy every key and value back into .NET.
        producerConfig.DeliveryReportFields = "none";
        // The stream thread serves delivery reports itself (ServeDeliveryReports, and the flush of every commit). With
        // Confluent.Kafka's background poll thread both threads wait on librdkafka's report queue: a report taken by
        // the background thread does not wake the flush, which then sleeps out its 10 ms poll slice. That was most of
        // every commit's flush (p50 10–20 ms for appends the broker answered in 0.1 ms), paid at every hop.
        producerConfig.Set(BackgroundPollSetting, "false");
        _producer = new ProducerBuilder<byte[]?, byte[]?>(producerConfig)
            .SetLogHandler((_, m) => _logger.Log(LibrdkafkaLog.Level(m.Level), "producer {Facility}: {Message}", m.Facility, m.Message))
            .SetErrorHandler((_, e) => _logger.Log(e.IsFatal ? LogLevel.Error : LogLevel.Warning, "producer error {Code}: {Reason}", e.Code, e.Reason))
            .Build();
        if (ExactlyOnce)
        {
            WithinDeadline("InitTransactions", p => p.InitTransactions(TransactionCallTimeout));
            _logger.LogInformation("transactional producer {TransactionalId} initialized", TransactionalId);
        }
        TransactionInFlight = false;
    }

    /// <summary>Sends one record, beginning a transaction first when none is open (EOS).</summary>
    public void Send(string topic, int? partition, Message<byte[]?, byte[]?> message, Action<DeliveryReport<byte[]?, byte[]?>> onDelivery)
    {
        if (ExactlyOnce && !TransactionInFlight)
        {
            Producer.BeginTransaction();
            TransactionInFlight = true;
        }
        while (true)
        {
            try
            {
                if (partition is { } p) Producer.Produce(new TopicPartition(topic, p), message, onDelivery);
                else Producer.Produce(topic, message, onDelivery);
                return;
            }
            catch (ProduceException<byte[]?, byte[]?> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                // librdkafka's local queue is full: wait for deliveries to drain it (back pressure on processing).
                Producer.Poll(TimeSpan.FromMilliseconds(100));
            }
        }
    }

    /// <summary>
    /// Runs the delivery reports (and error and log callbacks) that arrived since the last call, without waiting. The
    /// stream thread calls it once per loop; a flush or commit serves them too.
    /// </summary>
    public void ServeDeliveryReports() => _producer?.Poll(TimeSpan.Zero);

    /// <summary>
    /// EOS: waits until every record sent in the transaction is acknowledged, adds the offsets to the open transaction
    /// (beginning one if needed) and commits it. Returns how long each of the three steps took (commit latency is
    /// mostly the broker's: acknowledged appends, then the coordinator's decision and markers).
    /// </summary>
    public CommitPhases CommitTransaction(IReadOnlyDictionary<TopicPartition, Offset> offsets, IConsumerGroupMetadata groupMetadata)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        // CommitTransaction flushes too; flushing first only splits its time into acknowledgements and the commit itself.
        if (TransactionInFlight) Flush(TransactionCallTimeout);
        var flushed = clock.Elapsed;
        if (offsets.Count > 0)
        {
            if (!TransactionInFlight)
            {
                Producer.BeginTransaction();
                TransactionInFlight = true;
            }
            var positions = offsets.Select(o => new TopicPartitionOffset(o.Key, o.Value)).ToList();
            WithinDeadline("SendOffsetsToTransaction", p => p.SendOffsetsToTransaction(positions, groupMetadata, TransactionCallTimeout));
        }
        var offsetsSent = clock.Elapsed;
        if (!TransactionInFlight) return new CommitPhases(flushed, offsetsSent - flushed, TimeSpan.Zero);
        WithinDeadline("CommitTransaction", p => p.CommitTransaction(TransactionCallTimeout));
        TransactionInFlight = false;
        return new CommitPhases(flushed, offsetsSent - flushed, clock.Elapsed - offsetsSent);
    }

    /// <summary>Aborts the open transaction; false when that failed too (the producer must then be replaced).</summary>
    public bool TryAbortTransaction()
    {
        if (!ExactlyOnce || !TransactionInFlight) return true;
        try
        {
            WithinDeadline("AbortTransaction", p => p.AbortTransaction(TransactionCallTimeout));
            TransactionInFlight = false;
            return true;
        }
        catch (KafkaException e)
        {
            _logger.LogWarning("aborting the transaction failed ({Code}: {Reason}); the producer will be replaced", e.Error.Code, e.Error.Reason);
            return false;
        }
    }

    /// <summary>
    /// Runs a blocking transactional call, but gives the producer up when the call outlives <see cref="TransactionCallDeadline"/>:
    /// the producer is dropped (and disposed in the background once the call returns; the new producer's InitTransactions fences
    /// it), and a fatal error is thrown so the thread recovers — aborts, rebuilds its tasks and makes a new producer.
    /// </summary>
    private void WithinDeadline(string operation, Action<IProducer<byte[]?, byte[]?>> call)
    {
        var producer = Producer;
        // A thread of its own, not the pool's: the call blocks for a commit's length (or, hung, for good), and several
        // stream threads committing at once would otherwise hold every pool thread of a 2-core machine.
        _callThread ??= new TransactionCallThread($"txn-{TransactionalId}");
        var callThread = _callThread;
        var running = callThread.Run(() => call(producer));
        try
        {
            if (running.Wait(TransactionCallDeadline)) return;
        }
        catch (AggregateException e) when (e.InnerExceptions is [var inner])
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(inner).Throw();
        }
        _logger.LogError("producer {TransactionalId}: {Operation} is still blocked after {Seconds} s although its timeout is {Timeout} s; giving this producer up",
            TransactionalId, operation, TransactionCallDeadline.TotalSeconds, TransactionCallTimeout.TotalSeconds);
        _producer = null;
        TransactionInFlight = false;
        _callThread = null; // stuck in the call: it ends when the call returns, and the next producer gets a new one
        callThread.Dispose();
        _ = running.ContinueWith(_ => { try { producer.Dispose(); } catch (Exception) { /* already broken */ } }, TaskScheduler.Default);
        throw new KafkaException(new Error(ErrorCode.Local_TimedOut, $"{operation} blocked past its timeout; the producer was given up", isFatal: true));
    }

    /// <summary>At-least-once: waits until every sent record is acknowledged.</summary>
    public void Flush(TimeSpan timeout)
    {
        var left = Producer.Flush(timeout);
        if (left > 0) throw new KafkaException(new Error(ErrorCode.Local_TimedOut, $"{left} records not acknowledged within {timeout.TotalSeconds:0} s"));
    }

    /// <summary>Throws the producer away and makes a new one (after fencing or a fatal error).</summary>
    public void Recreate()
    {
        DisposeProducer();
        Initialize();
    }

    /// <summary>Errors after which this producer cannot continue (fenced by a newer incarnation, or librdkafka's fatal state).</summary>
    public static bool IsFatal(KafkaException e) =>
        e.Error.IsFatal || e.Error.Code is ErrorCode.ProducerFenced or ErrorCode.InvalidProducerEpoch or ErrorCode.TransactionalIdAuthorizationFailed
            or ErrorCode.Local_Fenced;

    private void DisposeProducer()
    {
        if (_producer is null) return;
        try { _producer.Dispose(); }
        catch (Exception e) when (e is KafkaException or ObjectDisposedException) { _logger.LogDebug(e, "ignoring an error while disposing the producer"); }
        _producer = null;
        TransactionInFlight = false;
    }

    public void Dispose()
    {
        DisposeProducer();
        _callThread?.Dispose();
        _callThread = null;
    }
}

/// <summary>How long the steps of one exactly-once commit took: acknowledgements of the records, the offsets, the commit.</summary>
internal readonly record struct CommitPhases(TimeSpan Flush, TimeSpan SendOffsets, TimeSpan EndTransaction);
