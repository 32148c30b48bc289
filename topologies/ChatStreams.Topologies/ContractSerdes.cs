using Avro.Specific;
using ChatStreams.Contracts;
using ChatStreams.Streams.Serialization;
using chatstreams.v1;

namespace ChatStreams.Topologies;

/// <summary>
/// Streams serdes of the contract records: Confluent's Avro wire format over the schema registry (the same bytes
/// every other client of the topics writes and reads; see <see cref="RegistryAvroSerde{T}"/>). Keys are plain UTF-8
/// ids (<see cref="Serdes.String"/>).
/// </summary>
public sealed class ContractSerdes
{
    public ContractSerdes(ChatSerdes serdes)
    {
        Command = For<ChatCommand>(serdes);
        Event = For<ChatEvent>(serdes);
        Session = For<SessionEvent>(serdes);
        Delivery = For<Delivery>(serdes);
        Receipt = For<ReceiptUpdate>(serdes);
        Presence = For<PresenceChange>(serdes);
        Notification = For<Notification>(serdes);
    }

    public ISerde<ChatCommand> Command { get; }
    public ISerde<ChatEvent> Event { get; }
    public ISerde<SessionEvent> Session { get; }
    public ISerde<Delivery> Delivery { get; }
    public ISerde<ReceiptUpdate> Receipt { get; }
    public ISerde<PresenceChange> Presence { get; }
    public ISerde<Notification> Notification { get; }

    // Synchronous: the registry is asked once per schema, then every record is plain CPU work on the task's thread.
    private static ISerde<T> For<T>(ChatSerdes serdes) where T : class, ISpecificRecord =>
        new RegistryAvroSerde<T>(serdes.Registry, serdes.AutoRegisterSchemas);
}
