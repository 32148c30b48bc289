using ChatStreams.Streams.State;

namespace ChatStreams.Streams.Processor;

/// <summary>What a processor can do besides receiving records (Kafka Streams' <c>ProcessorContext&lt;KOut,VOut&gt;</c>).</summary>
public interface IProcessorContext<TKeyOut, TValueOut>
{
    string ApplicationId { get; }
    TaskId TaskId { get; }

    /// <summary>Topic, partition and offset of the record being processed; null during punctuation.</summary>
    RecordMetadata? RecordMetadata { get; }

    /// <summary>Largest record timestamp this task has seen (ms), -1 before the first record.</summary>
    long CurrentStreamTimeMs { get; }

    /// <summary>Wall clock of the injected TimeProvider (ms since epoch).</summary>
    long CurrentSystemTimeMs { get; }

    /// <summary>Sends a record to all children, or to the one named.</summary>
    void Forward(Record<TKeyOut, TValueOut> record, string? childName = null);

    /// <summary>A state store connected to this processor (Topology.AddStateStore / ConnectProcessorAndStateStores).</summary>
    TStore GetStateStore<TStore>(string name) where TStore : IStateStore;

    /// <summary>Calls <paramref name="punctuator"/> with the current time (stream or wall clock, ms) every interval.</summary>
    ICancellable Schedule(TimeSpan interval, PunctuationType type, Action<long> punctuator);

    /// <summary>Asks for a commit as soon as possible (otherwise commits happen every commit interval).</summary>
    void Commit();
}
