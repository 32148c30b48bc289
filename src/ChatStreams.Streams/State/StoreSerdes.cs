using ChatStreams.Streams.Serialization;

namespace ChatStreams.Streams.State;

/// <summary>
/// Turns a store's keys and values into bytes and back. The serde context's topic is the changelog topic (or the
/// store name when logging is off), so schema-registry serdes register under the changelog's subject. Any failure
/// becomes a <see cref="SerializationException"/> naming the store.
/// </summary>
internal sealed class StoreSerdes<TKey, TValue>(string storeName, ISerde<TKey> keySerde, ISerde<TValue> valueSerde)
{
    private string? _topic;

    /// <summary>Sets the serde context's topic; until then (a store used before Init) it is the store name.</summary>
    public void Bind(string topic) => _topic = topic;

    public byte[] Key(TKey key)
    {
        if (key is null) throw new ArgumentNullException(nameof(key), $"state store '{storeName}' does not accept null keys");
        byte[]? bytes;
        try { bytes = keySerde.Serialize(key, new SerdeContext(_topic ?? storeName, null, IsKey: true)); }
        catch (Exception e) { throw Failure("serialize key", typeof(TKey), e); }
        return bytes ?? throw new SerializationException($"state store '{storeName}': the key serde turned {typeof(TKey).Name} '{key}' into null; store keys need bytes");
    }

    /// <summary>The value's bytes; null when the serde maps it to null (the store then treats the write as a delete).</summary>
    public byte[]? Value(TValue value)
    {
        try { return valueSerde.Serialize(value, new SerdeContext(_topic ?? storeName, null, IsKey: false)); }
        catch (Exception e) { throw Failure("serialize value", typeof(TValue), e); }
    }

    public TKey KeyFrom(byte[] bytes)
    {
        try { return keySerde.Deserialize(bytes, false, new SerdeContext(_topic ?? storeName, null, IsKey: true)); }
        catch (Exception e) { throw Failure("deserialize key", typeof(TKey), e); }
    }

    public TValue ValueFrom(ReadOnlySpan<byte> bytes)
    {
        try { return valueSerde.Deserialize(bytes, false, new SerdeContext(_topic ?? storeName, null, IsKey: false)); }
        catch (Exception e) { throw Failure("deserialize value", typeof(TValue), e); }
    }

    private SerializationException Failure(string what, Type type, Exception e) =>
        new($"state store '{storeName}' cannot {what} of type {type.Name}: {e.Message} " +
            "(check the serdes given to the store builder match the data in the store and its changelog)", e);
}
