using System.Net;
using ChatStreams.Kafka.Broker.Handlers.Groups;
using ChatStreams.Kafka.Broker.Protocol;
using ChatStreams.Kafka.Broker.Server;

namespace ChatStreams.Kafka.Broker.Tests.Groups;

/// <summary>
/// Field layouts of the versions librdkafka does not send (older and flexible ones), checked byte by byte
/// through the handlers: a request is encoded per the Kafka message definitions and the answer decoded.
/// </summary>
public sealed class GroupHandlerWireTests
{
    private static async Task<KafkaReader> Call(CoordinatorFixture f, ApiKey api, short version, Action<KafkaWriter> body, Action? whilePending = null)
    {
        var request = new KafkaWriter();
        body(request);
        var bytes = request.ToFrame().ToArray()[4..];
        var context = new RequestContext(new RequestHeader(api, version, 7, "wire-test"), new KafkaReader(bytes, 0, bytes.Length),
            new IPEndPoint(IPAddress.Loopback, 5555), "conn-1");
        var handler = GroupHandlers.Create(f.Coordinator).Single(h => h.Key == api);
        var response = new KafkaWriter();
        await handler.HandleAsync(context, response, CancellationToken.None);
        if (context.DeferredBody is { } deferred)
        {
            whilePending?.Invoke();
            await deferred(response).WaitAsync(TimeSpan.FromSeconds(5));
        }
        Assert.Equal(bytes.Length, context.Body.Position); // the whole request was understood
        var frame = response.ToFrame().ToArray();
        return new KafkaReader(frame, 4, frame.Length - 4);
    }

    [Fact]
    public async Task JoinGroup_v0_uses_the_session_timeout_and_answers_without_throttle_time()
    {
        using var f = new CoordinatorFixture();
        var r = await Call(f, ApiKey.JoinGroup, 0, w =>
        {
            w.String("g", false);
            w.Int32(10_000); // session timeout; v0 has no rebalance timeout
            w.String("", false);
            w.String("consumer", false);
            w.ArrayLength(1, false);
            w.String("range", false);
            w.Bytes([1, 2], false);
        }, whilePending: () => f.Clock.AdvanceMs(CoordinatorFixture.InitialDelayMs));

        Assert.Equal((short)ErrorCode.None, r.Int16());
        Assert.Equal(1, r.Int32());
        Assert.Equal("range", r.String(false));
        var leader = r.String(false);
        Assert.Equal(leader, r.String(false)); // the only member leads
        Assert.StartsWith("wire-test-", leader);
        Assert.Equal(1, r.ArrayLength(false));
        Assert.Equal(leader, r.String(false));
        Assert.Equal(new byte[] { 1, 2 }, r.NullableBytes(false));
        Assert.Equal(0, r.Remaining);
        Assert.Equal("/127.0.0.1", f.Coordinator.Describe("g").Members.Single().ClientHost);
    }

    [Fact]
    public async Task OffsetCommit_v2_and_OffsetFetch_v1_round_trip()
    {
        using var f = new CoordinatorFixture();
        f.CreateTopic("t", 2);
        var commit = await Call(f, ApiKey.OffsetCommit, 2, w =>
        {
            w.String("g", false);
            w.Int32(-1);
            w.String("", false);
            w.Int64(-1); // retention time (v2-v4)
            w.ArrayLength(1, false);
            w.String("t", false);
            w.ArrayLength(2, false);
            w.Int32(0);
            w.Int64(17);
            w.String("meta", false);
            w.Int32(5);
            w.Int64(1);
            w.String(null, false);
        });
        Assert.Equal(1, commit.ArrayLength(false)); // v2 has no throttle time
        Assert.Equal("t", commit.String(false));
        Assert.Equal(2, commit.ArrayLength(false));
        Assert.Equal((0, (short)ErrorCode.None), (commit.Int32(), commit.Int16()));
        Assert.Equal((5, (short)ErrorCode.UnknownTopicOrPartition), (commit.Int32(), commit.Int16()));
        Assert.Equal(0, commit.Remaining);

        var fetch = await Call(f, ApiKey.OffsetFetch, 1, w =>
        {
            w.String("g", false);
            w.ArrayLength(1, false);
            w.String("t", false);
            w.ArrayLength(2, false);
            w.Int32(0);
            w.Int32(1);
        });
        Assert.Equal(1, fetch.ArrayLength(false));
        Assert.Equal("t", fetch.String(false));
        Assert.Equal(2, fetch.ArrayLength(false));
        Assert.Equal((0, 17L, "meta", (short)0), (fetch.Int32(), fetch.Int64(), fetch.NullableString(false), fetch.Int16()));
        Assert.Equal((1, -1L, "", (short)0), (fetch.Int32(), fetch.Int64(), fetch.NullableString(false), fetch.Int16()));
        Assert.Equal(0, fetch.Remaining); // v1 has no top-level error code
    }

    [Fact]
    public async Task OffsetFetch_v6_flexible_with_a_null_topic_list_returns_everything()
    {
        using var f = new CoordinatorFixture();
        f.CreateTopic("t", 1);
        await f.Coordinator.CommitOffsetsAsync(new Broker.Groups.OffsetCommitRequest("g", -1, "", null,
            [new Broker.Groups.OffsetCommitEntry(new Broker.Groups.TopicPartition("t", 0), 9, 2, null)]), CancellationToken.None);
        var r = await Call(f, ApiKey.OffsetFetch, 6, w =>
        {
            w.String("g", true);
            w.UVarint(0); // null array
            w.TaggedFields(true);
        });
        Assert.Equal(0, r.Int32()); // throttle
        Assert.Equal(1, r.ArrayLength(true));
        Assert.Equal("t", r.String(true));
        Assert.Equal(1, r.ArrayLength(true));
        Assert.Equal((0, 9L, 2, "", (short)0), (r.Int32(), r.Int64(), r.Int32(), r.NullableString(true), r.Int16()));
        r.TaggedFields(true);
        r.TaggedFields(true);
        Assert.Equal((short)0, r.Int16());
        r.TaggedFields(true);
        Assert.Equal(0, r.Remaining);
    }

    [Fact]
    public async Task TxnOffsetCommit_v0_and_v3_are_decoded_per_version()
    {
        using var f = new CoordinatorFixture();
        f.CreateTopic("t", 1);
        var v0 = await Call(f, ApiKey.TxnOffsetCommit, 0, w =>
        {
            w.String("txn", false);
            w.String("g", false);
            w.Int64(77);
            w.Int16(0);
            w.ArrayLength(1, false);
            w.String("t", false);
            w.ArrayLength(1, false);
            w.Int32(0);
            w.Int64(4);
            w.String(null, false);
        });
        Assert.Equal(0, v0.Int32());
        Assert.Equal(1, v0.ArrayLength(false));
        Assert.Equal("t", v0.String(false));
        Assert.Equal(1, v0.ArrayLength(false));
        Assert.Equal((0, (short)ErrorCode.None), (v0.Int32(), v0.Int16()));
        Assert.Equal(0, v0.Remaining);

        var v3 = await Call(f, ApiKey.TxnOffsetCommit, 3, w =>
        {
            w.String("txn", true);
            w.String("g", true);
            w.Int64(78);
            w.Int16(0);
            w.Int32(3); // generation of a group that has no members
            w.String("member", true);
            w.String(null, true);
            w.ArrayLength(1, true);
            w.String("t", true);
            w.ArrayLength(1, true);
            w.Int32(0);
            w.Int64(5);
            w.Int32(-1); // leader epoch (v2+)
            w.String("m", true);
            w.TaggedFields(true);
            w.TaggedFields(true);
            w.TaggedFields(true);
        });
        Assert.Equal(0, v3.Int32());
        Assert.Equal(1, v3.ArrayLength(true));
        Assert.Equal("t", v3.String(true));
        Assert.Equal(1, v3.ArrayLength(true));
        Assert.Equal((0, (short)ErrorCode.UnknownMemberId), (v3.Int32(), v3.Int16()));
        v3.TaggedFields(true);
        v3.TaggedFields(true);
        v3.TaggedFields(true);
        Assert.Equal(0, v3.Remaining);
        Assert.Equal(ErrorCode.UnstableOffsetCommit, f.Coordinator.FetchOffsets("g", [("t", [0])], requireStable: true).Single().Error);
    }

    [Fact]
    public async Task DescribeGroups_v0_reports_an_unknown_group_as_dead_and_ListGroups_v0_lists_groups()
    {
        using var f = new CoordinatorFixture();
        f.CreateTopic("t", 1);
        await f.Coordinator.CommitOffsetsAsync(new Broker.Groups.OffsetCommitRequest("offsets-only", -1, "", null,
            [new Broker.Groups.OffsetCommitEntry(new Broker.Groups.TopicPartition("t", 0), 1, -1, null)]), CancellationToken.None);

        var d = await Call(f, ApiKey.DescribeGroups, 0, w =>
        {
            w.ArrayLength(1, false);
            w.String("nobody", false);
        });
        Assert.Equal(1, d.ArrayLength(false));
        Assert.Equal((short)0, d.Int16());
        Assert.Equal(("nobody", "Dead", "", ""), (d.String(false), d.String(false), d.String(false), d.String(false)));
        Assert.Equal(0, d.ArrayLength(false));
        Assert.Equal(0, d.Remaining);

        var l = await Call(f, ApiKey.ListGroups, 0, _ => { });
        Assert.Equal((short)0, l.Int16());
        Assert.Equal(1, l.ArrayLength(false));
        Assert.Equal(("offsets-only", ""), (l.String(false), l.String(false)));
        Assert.Equal(0, l.Remaining);
    }

    [Fact]
    public async Task Heartbeat_v0_and_LeaveGroup_v1_answer_with_their_error()
    {
        using var f = new CoordinatorFixture();
        var hb = await Call(f, ApiKey.Heartbeat, 0, w =>
        {
            w.String("g", false);
            w.Int32(1);
            w.String("ghost", false);
        });
        Assert.Equal((short)ErrorCode.UnknownMemberId, hb.Int16());
        Assert.Equal(0, hb.Remaining);

        var leave = await Call(f, ApiKey.LeaveGroup, 1, w =>
        {
            w.String("g", false);
            w.String("ghost", false);
        });
        Assert.Equal(0, leave.Int32());
        Assert.Equal((short)ErrorCode.UnknownMemberId, leave.Int16());
        Assert.Equal(0, leave.Remaining);
    }
}
