using ChatStreams.TestSupport;

namespace ChatStreams.Browser.Tests.Support;

/// <summary>`chatstreams up` for the browser tests (the edge's wwwroot is in this project's build output beside chatstreams.dll).</summary>
public sealed class ChatSystem() : LocalChatSystem("browser");
