namespace ChatStreams.Streams.Processor;

/// <summary>
/// A processor of the Processor API (Kafka Streams' <c>Processor&lt;KIn,VIn,KOut,VOut&gt;</c>). One instance per task;
/// never called concurrently. Exceptions thrown from Process fail the task (the stream thread rebuilds from
/// the last commit), so validate input and route bad records instead of throwing.
/// </summary>
public interface IProcessor<TKeyIn, TValueIn, TKeyOut, TValueOut>
{
    void Init(IProcessorContext<TKeyOut, TValueOut> context);
    void Process(Record<TKeyIn, TValueIn> record);
    void Close() { }
}
