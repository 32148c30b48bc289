using System.Text;
using ChatStreams.Edge.Frames;

namespace ChatStreams.Edge.Tests.Frames;

public sealed class ClientFrameParserTests
{
    private static readonly EdgeOptions Options = new() { Id = "edge-0", MaxBodyLength = 20, MaxAttachments = 2, MaxResumeCursors = 3 };
    private readonly ClientFrameParser _parser = new(Options);

    private ClientFrameParser.Result Parse(string json) => _parser.Parse(Encoding.UTF8.GetBytes(json));

    private T Valid<T>(string json) where T : ClientFrame
    {
        var result = Parse(json);
        Assert.True(result.Frame is not null, $"{json} was refused: {result.ErrorMessage}");
        Assert.Null(result.ErrorCode);
        return Assert.IsType<T>(result.Frame);
    }

    [Fact]
    public void A_send_carries_id_conversation_body_and_attachments()
    {
        var send = Valid<SendFrame>("""{"type":"send","id":"m1","conversationId":"c1","body":"hi","attachments":["a","b"]}""");
        Assert.Equal(("m1", "c1", "hi"), (send.Id, send.ConversationId, send.Body));
        Assert.Equal(["a", "b"], send.Attachments);
    }

    [Theory]
    [InlineData("""{"type":"send","id":"m1","conversationId":"c1","body":"a\ud800b"}""", "m1")]
    [InlineData("""{"type":"typing","conversationId":"\udfff","state":"start"}""", null)]
    [InlineData("""{"type":"resume","cursors":{"\ud83d":1}}""", null)]
    [InlineData("""{"type":"ping\ud800"}""", null)]
    public void An_unpaired_surrogate_escape_is_a_bad_frame_not_an_exception(string json, string? id)
    {
        var result = Parse(json);
        Assert.Equal((ErrorCodes.BadFrame, id), (result.ErrorCode, result.Id));
        Assert.Contains("not valid Unicode", result.ErrorMessage);
    }

    [Fact]
    public void A_send_with_attachments_may_have_no_body()
    {
        var send = Valid<SendFrame>("""{"type":"send","id":"m1","conversationId":"c1","attachments":["a"]}""");
        Assert.Equal("", send.Body);
        Assert.Equal(["a"], send.Attachments);
        Assert.Empty(Valid<SendFrame>("""{"type":"send","id":"m1","conversationId":"c1","body":"x","attachments":null}""").Attachments);
    }

    [Fact]
    public void The_result_echoes_the_frame_id()
    {
        var result = Parse("""{"type":"send","id":"m1","conversationId":"c1","body":"hi"}""");
        Assert.Equal("m1", result.Id);
    }

    [Theory]
    [InlineData("delivered", false)]
    [InlineData("read", true)]
    public void A_receipt_says_delivered_or_read(string status, bool read)
    {
        var receipt = Valid<ReceiptFrame>($$"""{"type":"receipt","id":"r1","conversationId":"c1","seq":42,"status":"{{status}}"}""");
        Assert.Equal(new ReceiptFrame("r1", "c1", 42, read), receipt);
        Assert.Null(Valid<ReceiptFrame>("""{"type":"receipt","conversationId":"c1","seq":1,"status":"read"}""").Id);
    }

    [Theory]
    [InlineData("start", true)]
    [InlineData("stop", false)]
    public void Typing_starts_or_stops(string state, bool started) =>
        Assert.Equal(new TypingFrame("c1", started), Valid<TypingFrame>($$"""{"type":"typing","conversationId":"c1","state":"{{state}}"}"""));

    [Fact]
    public void A_resume_carries_the_cursors()
    {
        var resume = Valid<ResumeFrame>("""{"type":"resume","cursors":{"c1":41,"d":0,"e":7}}""");
        Assert.Equal(new Dictionary<string, long> { ["c1"] = 41, ["d"] = 0, ["e"] = 7 }, resume.Cursors);
        Assert.Empty(Valid<ResumeFrame>("""{"type":"resume","cursors":{}}""").Cursors);
    }

    [Fact]
    public void Edit_delete_and_react_name_the_target_seq()
    {
        Assert.Equal(new EditFrame("e1", "c1", 42, "fixed"), Valid<EditFrame>("""{"type":"edit","id":"e1","conversationId":"c1","seq":42,"body":"fixed"}"""));
        Assert.Equal(new DeleteFrame(null, "c1", 42), Valid<DeleteFrame>("""{"type":"delete","conversationId":"c1","seq":42}"""));
        Assert.Equal(new ReactFrame("r", "c1", 42, "👍", false), Valid<ReactFrame>("""{"type":"react","id":"r","conversationId":"c1","seq":42,"emoji":"👍"}"""));
        Assert.Equal(new ReactFrame(null, "c1", 42, "👍", false), Valid<ReactFrame>("""{"type":"react","conversationId":"c1","seq":42,"emoji":"👍","action":"add"}"""));
        Assert.Equal(new ReactFrame(null, "c1", 42, "👍", true), Valid<ReactFrame>("""{"type":"react","conversationId":"c1","seq":42,"emoji":"👍","action":"remove"}"""));
    }

    [Fact]
    public void A_ping_is_a_ping() => Valid<PingFrame>("""{"type":"ping"}""");

    [Fact]
    public void Unknown_fields_are_ignored() =>
        Valid<PingFrame>("""{"type":"ping","future":{"nested":[1,2,3]}}""");

    [Theory]
    [InlineData("{", "not valid JSON")]
    [InlineData("", "not valid JSON")]
    [InlineData("""{"type":"ping"} trailing""", "not valid JSON")]
    [InlineData("""[{"type":"ping"}]""", "a frame is a JSON object with a \"type\"")]
    [InlineData("\"ping\"", "a frame is a JSON object with a \"type\"")]
    [InlineData("""{"id":"x"}""", "\"type\" is missing")]
    [InlineData("""{"type":7}""", "\"type\" must be a string")]
    [InlineData("""{"type":"shout"}""", "unknown frame type 'shout'; expected send, receipt, typing, resume, edit, delete, react or ping")]
    [InlineData("""{"type":"ping","id":5}""", "\"id\" must be a string of 1 to 128 characters")]
    [InlineData("""{"type":"ping","id":""}""", "\"id\" must be a string of 1 to 128 characters")]
    [InlineData("""{"type":"send","conversationId":"c1","body":"hi"}""", "a send frame needs an \"id\"")]
    [InlineData("""{"type":"send","id":"m","body":"hi"}""", "\"conversationId\" is missing")]
    [InlineData("""{"type":"send","id":"m","conversationId":"","body":"hi"}""", "\"conversationId\" must have 1 to 128 characters")]
    [InlineData("""{"type":"send","id":"m","conversationId":3,"body":"hi"}""", "\"conversationId\" must be a string")]
    [InlineData("""{"type":"send","id":"m","conversationId":"c1"}""", "\"body\" is missing")]
    [InlineData("""{"type":"send","id":"m","conversationId":"c1","body":""}""", "\"body\" is empty")]
    [InlineData("""{"type":"send","id":"m","conversationId":"c1","body":42}""", "\"body\" must be a string")]
    [InlineData("""{"type":"send","id":"m","conversationId":"c1","body":"123456789012345678901"}""", "\"body\" has 21 characters; the limit is 20")]
    [InlineData("""{"type":"send","id":"m","conversationId":"c1","body":"hi","attachments":"a"}""", "\"attachments\" must be an array of media ids")]
    [InlineData("""{"type":"send","id":"m","conversationId":"c1","body":"hi","attachments":[1]}""", "\"attachments\" must hold media ids (strings of 1 to 128 characters)")]
    [InlineData("""{"type":"send","id":"m","conversationId":"c1","body":"hi","attachments":[""]}""", "\"attachments\" must hold media ids (strings of 1 to 128 characters)")]
    [InlineData("""{"type":"send","id":"m","conversationId":"c1","body":"hi","attachments":["a","b","c"]}""", "a message can carry at most 2 attachments")]
    [InlineData("""{"type":"receipt","conversationId":"c1","status":"read"}""", "\"seq\" must be a whole number ≥ 1")]
    [InlineData("""{"type":"receipt","conversationId":"c1","seq":0,"status":"read"}""", "\"seq\" must be a whole number ≥ 1")]
    [InlineData("""{"type":"receipt","conversationId":"c1","seq":1.5,"status":"read"}""", "\"seq\" must be a whole number ≥ 1")]
    [InlineData("""{"type":"receipt","conversationId":"c1","seq":"3","status":"read"}""", "\"seq\" must be a whole number ≥ 1")]
    [InlineData("""{"type":"receipt","conversationId":"c1","seq":3}""", "\"status\" is missing")]
    [InlineData("""{"type":"receipt","conversationId":"c1","seq":3,"status":"seen"}""", "\"status\" must be \"delivered\" or \"read\", not \"seen\"")]
    [InlineData("""{"type":"typing","conversationId":"c1"}""", "\"state\" is missing")]
    [InlineData("""{"type":"typing","conversationId":"c1","state":"typing"}""", "\"state\" must be \"start\" or \"stop\", not \"typing\"")]
    [InlineData("""{"type":"typing","state":"start"}""", "\"conversationId\" is missing")]
    [InlineData("""{"type":"resume"}""", "a resume frame needs \"cursors\": an object of conversation id → last seq held")]
    [InlineData("""{"type":"resume","cursors":[["c1",1]]}""", "a resume frame needs \"cursors\"")]
    [InlineData("""{"type":"resume","cursors":{"c1":-1}}""", "the cursor of conversation 'c1' must be a whole number ≥ 0")]
    [InlineData("""{"type":"resume","cursors":{"c1":"4"}}""", "the cursor of conversation 'c1' must be a whole number ≥ 0")]
    [InlineData("""{"type":"resume","cursors":{"":4}}""", "a conversation id in \"cursors\" must have 1 to 128 characters")]
    [InlineData("""{"type":"resume","cursors":{"a":1,"b":2,"c":3,"d":4}}""", "a resume frame may name at most 3 conversations")]
    [InlineData("""{"type":"edit","conversationId":"c1","seq":2}""", "\"body\" is missing")]
    [InlineData("""{"type":"edit","conversationId":"c1","seq":2,"body":""}""", "\"body\" is empty")]
    [InlineData("""{"type":"edit","conversationId":"c1","body":"x"}""", "\"seq\" must be a whole number ≥ 1")]
    [InlineData("""{"type":"delete","conversationId":"c1","seq":-2}""", "\"seq\" must be a whole number ≥ 1")]
    [InlineData("""{"type":"react","conversationId":"c1","seq":2}""", "\"emoji\" is missing")]
    [InlineData("""{"type":"react","conversationId":"c1","seq":2,"emoji":"👍","action":"toggle"}""", "\"action\" must be \"add\" or \"remove\", not \"toggle\"")]
    [InlineData("""{"type":"react","conversationId":"c1","seq":2,"emoji":"👍","action":1}""", "\"action\" must be a string")]
    public void An_invalid_frame_is_a_bad_frame_naming_what_is_wrong(string json, string message)
    {
        var result = Parse(json);
        Assert.Null(result.Frame);
        Assert.Equal(ErrorCodes.BadFrame, result.ErrorCode);
        Assert.Contains(message, result.ErrorMessage);
    }

    [Theory]
    [InlineData("""{"id":"a1","type":"shout"}""")]
    [InlineData("""{"type":"send","id":"a1","conversationId":"c1","body":""}""")]
    [InlineData("""{"type":"edit","id":"a1","conversationId":"c1","seq":0,"body":"x"}""")]
    [InlineData("""{"type":"react","id":"a1","conversationId":"c1","seq":1,"emoji":"👍","action":"toggle"}""")]
    [InlineData("""{"type":"receipt","id":"a1","conversationId":"c1","seq":1,"status":"seen"}""")]
    public void A_bad_frame_error_echoes_the_frame_id(string json)
    {
        var result = Parse(json);
        Assert.Equal(ErrorCodes.BadFrame, result.ErrorCode);
        Assert.Equal("a1", result.Id);
    }

    [Fact]
    public void A_bad_frame_without_an_id_has_none() => Assert.Null(Parse("""{"type":"shout"}""").Id);

    [Fact]
    public void Limits_are_inclusive()
    {
        Valid<SendFrame>("""{"type":"send","id":"m","conversationId":"c1","body":"12345678901234567890","attachments":["a","b"]}""");
        Valid<ResumeFrame>("""{"type":"resume","cursors":{"a":1,"b":2,"c":3}}""");
        Valid<PingFrame>($$"""{"type":"ping","id":"{{new string('i', ClientFrameParser.MaxIdLength)}}"}""");
        Assert.Equal(ErrorCodes.BadFrame, Parse($$"""{"type":"ping","id":"{{new string('i', ClientFrameParser.MaxIdLength + 1)}}"}""").ErrorCode);
        Assert.Equal(ErrorCodes.BadFrame, Parse($$"""{"type":"send","id":"m","conversationId":"{{new string('c', 129)}}","body":"x"}""").ErrorCode);
    }

    [Fact]
    public void A_long_unknown_type_is_truncated_in_the_message()
    {
        var result = Parse($$"""{"type":"{{new string('x', 32)}}"}""");
        Assert.Contains($"'{new string('x', 32)}'", result.ErrorMessage);
        Assert.Contains("\"type\" must have 1 to 32 characters", Parse($$"""{"type":"{{new string('x', 33)}}"}""").ErrorMessage);
    }

    [Fact]
    public void Nul_characters_in_ids_are_refused()
    {
        Assert.Contains("\"id\"", Parse("""{"type":"ping","id":"a\u0000b"}""").ErrorMessage);
        Assert.Contains("\"conversationId\"", Parse("""{"type":"typing","conversationId":"c\u0000","state":"start"}""").ErrorMessage);
    }

    [Fact]
    public void Deeply_nested_json_is_a_bad_frame_not_a_crash()
    {
        var deep = """{"type":"ping","x":""" + new string('[', 50) + new string(']', 50) + "}";
        Assert.Equal(ErrorCodes.BadFrame, Parse(deep).ErrorCode);
    }

    [Theory]
    [InlineData("id")]
    [InlineData("body")]
    [InlineData("cursor name")]
    public void Invalid_utf8_is_a_bad_frame_not_an_exception(string where)
    {
        // A real WebSocket refuses invalid UTF-8 in text messages, but the parser promises never to throw on input.
        var json = where switch
        {
            "id" => """{"type":"ping","id":"a#"}""",
            "body" => """{"type":"send","id":"m","conversationId":"c1","body":"a#"}""",
            _ => """{"type":"resume","cursors":{"a#":1}}""",
        };
        var bytes = Encoding.UTF8.GetBytes(json);
        bytes[Array.IndexOf(bytes, (byte)'#')] = 0xFF;
        var result = _parser.Parse(bytes);
        Assert.Equal(ErrorCodes.BadFrame, result.ErrorCode);
    }
}
