using System.Text;
using ChatStreams.Edge.Frames;

namespace ChatStreams.Edge.Tests.Frames;

/// <summary>An encrypted send carries opaque base64 ciphertext and nothing in plaintext besides.</summary>
public sealed class EncryptedSendParserTests
{
    private readonly ClientFrameParser _parser = new(new EdgeOptions { Id = "edge-0", MaxCiphertextBytes = 8 });

    private ClientFrameParser.Result Parse(string json) => _parser.Parse(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Ciphertext_is_decoded_to_its_bytes_and_the_body_is_empty()
    {
        var result = Parse("""{"type":"send","id":"m1","conversationId":"e2e-c","ciphertext":"AAH/fw=="}""");
        var send = Assert.IsType<SendFrame>(result.Frame);
        Assert.Equal(new byte[] { 0, 1, 0xFF, 0x7F }, send.Ciphertext);
        Assert.Equal("", send.Body);
    }

    [Theory]
    [InlineData("""{"type":"send","id":"m1","conversationId":"c","ciphertext":"AAE=","body":"plaintext too"}""", "no \"body\"")]
    [InlineData("""{"type":"send","id":"m1","conversationId":"c","ciphertext":"AAE=","attachments":["x"]}""", "no \"attachments\"")]
    [InlineData("""{"type":"send","id":"m1","conversationId":"c","ciphertext":"not base64!"}""", "base64")]
    [InlineData("""{"type":"send","id":"m1","conversationId":"c","ciphertext":""}""", "non-empty")]
    [InlineData("""{"type":"send","id":"m1","conversationId":"c","ciphertext":"AAAAAAAAAAAA"}""", "the limit is 8")]
    public void Anything_beside_or_wrong_with_the_ciphertext_is_a_bad_frame(string json, string because)
    {
        var result = Parse(json);
        Assert.Null(result.Frame);
        Assert.Equal(ErrorCodes.BadFrame, result.ErrorCode);
        Assert.Contains(because, result.ErrorMessage);
        Assert.Equal("m1", result.Id);
    }
}
