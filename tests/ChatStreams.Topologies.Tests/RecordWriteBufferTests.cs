namespace ChatStreams.Topologies.Tests;

/// <summary>The thread's kept stream that records are written into (RecordWriteBuffer).</summary>
public sealed class RecordWriteBufferTests
{
    [Fact]
    public void Each_record_gets_exactly_its_own_bytes()
    {
        Assert.Equal([1, 2, 3], RecordWriteBuffer.Write(0, static (s, _) => s.Write([1, 2, 3])));
        Assert.Equal([9], RecordWriteBuffer.Write(0, static (s, _) => s.WriteByte(9)));
        Assert.Empty(RecordWriteBuffer.Write(0, static (_, _) => { }));
    }

    [Fact]
    public void A_record_written_while_another_is_written_is_whole_and_so_is_the_outer_one()
    {
        byte[]? inner = null;
        var outer = RecordWriteBuffer.Write(0, (s, _) =>
        {
            s.WriteByte(1);
            inner = RecordWriteBuffer.Write(0, static (t, _) => t.Write([7, 7]));
            s.WriteByte(2);
        });
        Assert.Equal([1, 2], outer);
        Assert.Equal([7, 7], inner);
    }

    [Fact]
    public void A_writer_that_throws_halfway_leaves_nothing_behind_for_the_next_record()
    {
        Assert.Throws<InvalidOperationException>(() => RecordWriteBuffer.Write(0, static (s, _) =>
        {
            s.Write(new byte[100]);
            throw new InvalidOperationException("bad record");
        }));
        Assert.Equal([5], RecordWriteBuffer.Write(0, static (s, _) => s.WriteByte(5)));
    }

    [Fact]
    public void A_record_larger_than_the_kept_stream_is_whole_and_the_records_after_it_too()
    {
        var big = Enumerable.Range(0, RecordWriteBuffer.MaxKeptCapacity + 1000).Select(i => (byte)i).ToArray();
        Assert.Equal(big, RecordWriteBuffer.Write(big, static (s, b) => s.Write(b)));
        Assert.Equal([1], RecordWriteBuffer.Write(0, static (s, _) => s.WriteByte(1)));
    }

    [Fact]
    public void Writing_a_record_allocates_the_record_not_a_stream()
    {
        var payload = new byte[600];
        RecordWriteBuffer.Write(payload, static (s, p) => s.Write(p));
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++) RecordWriteBuffer.Write(payload, static (s, p) => s.Write(p));
        var perRecord = (GC.GetAllocatedBytesForCurrentThread() - before) / 100;
        Assert.True(perRecord < payload.Length + 256, $"a record of {payload.Length} bytes allocated {perRecord} bytes");
    }
}
