using System.Reflection;
using ChatStreams.Kafka.Generations;
using Confluent.Kafka;

namespace ChatStreams.Kafka.Tests.Generations;

/// <summary>Reading the generation control topic at start survives a connection that breaks under the request.</summary>
public sealed class GenerationLogCatchUpTests
{
    [Fact]
    public void A_broken_connection_under_the_end_offset_request_is_asked_again()
    {
        var consumer = BrokenOnce.Create(ErrorCode.Local_Destroy);

        TopicGenerationLog.CatchUp(consumer, [], TimeSpan.FromSeconds(10));

        Assert.Equal(2, ((BrokenOnce)(object)consumer).WatermarkQueries);
    }

    [Fact]
    public void A_broker_that_stays_away_still_fails_at_the_deadline()
    {
        var consumer = BrokenOnce.Create(ErrorCode.Local_Transport, failures: int.MaxValue);

        var failure = Assert.Throws<KafkaException>(() => TopicGenerationLog.CatchUp(consumer, [], TimeSpan.FromSeconds(1)));

        Assert.Equal(ErrorCode.Local_Transport, failure.Error.Code);
        Assert.InRange(((BrokenOnce)(object)consumer).WatermarkQueries, 2, 10);
    }

    /// <summary>A consumer of an empty control topic whose first end-offset requests fail with a connection error.</summary>
    public class BrokenOnce : DispatchProxy
    {
        private ErrorCode _error;
        private int _failures;

        public int WatermarkQueries { get; private set; }

        public static IConsumer<string, byte[]?> Create(ErrorCode error, int failures = 1)
        {
            var consumer = Create<IConsumer<string, byte[]?>, BrokenOnce>();
            var self = (BrokenOnce)(object)consumer;
            self._error = error;
            self._failures = failures;
            return consumer;
        }

        protected override object? Invoke(MethodInfo? method, object?[]? args)
        {
            switch (method!.Name)
            {
                case nameof(IConsumer<string, byte[]?>.QueryWatermarkOffsets):
                    WatermarkQueries++;
                    if (WatermarkQueries <= _failures) throw new KafkaException(new Error(_error, "Broker handle destroyed without termination"));
                    return new WatermarkOffsets(0, 0);
                case nameof(IConsumer<string, byte[]?>.Position):
                    return new Offset(0);
                default:
                    throw new NotSupportedException(method.Name);
            }
        }
    }
}
