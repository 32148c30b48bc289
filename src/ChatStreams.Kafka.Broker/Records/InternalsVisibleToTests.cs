using System.Runtime.CompilerServices;

// The record and storage tests check internals such as the table CRC path and the fsync counter.
[assembly: InternalsVisibleTo("ChatStreams.Kafka.Broker.Tests")]
