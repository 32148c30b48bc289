using ChatStreams.Streams.Serialization;

namespace ChatStreams.Streams.Dsl;

/// <summary>
/// The branches of <see cref="KStream{TKey,TValue}.Split"/> (Kafka Streams' BranchedKStream). Branch nodes are named
/// split name + branch name (or its 1-based position; the default branch: "0"); the result maps those names to streams.
/// </summary>
public sealed class BranchedKStream<TKey, TValue>
{
    private readonly StreamsBuilder _builder;
    private readonly string _splitName;
    private readonly List<(Func<TKey, TValue, bool> Predicate, string Child)> _branches;
    private readonly ISerde<TKey>? _keySerde;
    private readonly ISerde<TValue>? _valueSerde;
    private readonly Dictionary<string, KStream<TKey, TValue>> _result = new(StringComparer.Ordinal);
    private bool _done;

    internal BranchedKStream(StreamsBuilder builder, string splitName, List<(Func<TKey, TValue, bool>, string)> branches,
        ISerde<TKey>? keySerde, ISerde<TValue>? valueSerde)
    {
        _builder = builder;
        _splitName = splitName;
        _branches = branches;
        _keySerde = keySerde;
        _valueSerde = valueSerde;
    }

    /// <summary>Records not taken by an earlier branch and matching <paramref name="predicate"/> go here.</summary>
    public BranchedKStream<TKey, TValue> Branch(Func<TKey, TValue, bool> predicate, string? branchName = null)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        Add(predicate, branchName ?? (_branches.Count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        return this;
    }

    /// <summary>Records no branch took go to a default branch; returns all branches.</summary>
    public IReadOnlyDictionary<string, KStream<TKey, TValue>> DefaultBranch(string? branchName = null)
    {
        Add((_, _) => true, branchName ?? "0");
        return Finish();
    }

    /// <summary>Records no branch took are dropped; returns all branches.</summary>
    public IReadOnlyDictionary<string, KStream<TKey, TValue>> NoDefaultBranch() => Finish();

    private void Add(Func<TKey, TValue, bool> predicate, string branchName)
    {
        if (_done) throw new InvalidOperationException($"split '{_splitName}' is complete: DefaultBranch/NoDefaultBranch was called");
        var child = _splitName + branchName;
        _builder.Mutate().AddProcessor(child, () => new PassThroughProcessor<TKey, TValue>(), _splitName);
        _branches.Add((predicate, child));
        _result[child] = new KStream<TKey, TValue>(_builder, child, _keySerde, _valueSerde);
    }

    private IReadOnlyDictionary<string, KStream<TKey, TValue>> Finish()
    {
        _done = true;
        return _result;
    }
}
