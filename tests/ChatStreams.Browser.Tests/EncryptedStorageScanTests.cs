using System.Text;
using ChatStreams.Browser.Tests.Support;
using ChatStreams.TestSupport;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChatStreams.Browser.Tests;

/// <summary>`up` with uncompressed Kafka batches, so a scan of the broker's segment files sees every byte written.</summary>
public sealed class UncompressedChatSystem() : LocalChatSystem("e2e-scan", new Dictionary<string, string> { ["Kafka__Extra__compression.type"] = "none" });

/// <summary>
/// The server never stores or logs the plaintext of an encrypted conversation: two browsers exchange encrypted
/// messages through a whole `up`, then every file under its data directory (SQLite history and accounts, Lucene
/// index, DuckDB analytics, broker segments, media) and every process log are scanned for the plaintext bytes.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class EncryptedStorageScanTests(BrowserFixture browser)
{
    [Fact]
    public async Task No_store_and_no_log_holds_the_plaintext_of_an_encrypted_conversation()
    {
        await using var system = new UncompressedChatSystem();
        await system.StartAsync();
        var marker = LiteralNeedle();
        var secrets = new[] { $"{marker} first secret", $"{marker} the reply", $"{marker} a third one" };
        var control = LiteralNeedle();

        await using var alice = await OpenAsync(system);
        await using var bob = await OpenAsync(system);
        var bobFrames = new List<string>();
        bob.Page.WebSocket += (_, socket) => socket.FrameReceived += (_, frame) => { lock (bobFrames) bobFrames.Add(frame.Text ?? ""); };
        await alice.SignUpAsync(ChatPage.NewUsername("alice"), "Alice");
        await bob.SignUpAsync(ChatPage.NewUsername("bob"), "Bob");

        await EncryptedChatTests.StartEncryptedDirectChatAsync(alice, bob.Username);
        await alice.SendAsync(secrets[0]);
        await bob.OpenAsync("Alice");
        await Expect(bob.Message(secrets[0])).ToBeVisibleAsync();
        await bob.SendAsync(secrets[1]);
        await alice.SendAsync(secrets[2]);
        await Expect(bob.Message(secrets[2])).ToBeVisibleAsync();

        // A plain conversation as the positive control: its text must be found, or the scan proves nothing.
        await bob.StartDirectChatAsync(alice.Username);
        await bob.SendAsync(control);

        // The ciphertext of the last secret, as it crossed Bob's socket: the stores must hold these bytes.
        string lastFrame;
        lock (bobFrames) lastFrame = bobFrames.Last(f => f.Contains("\"ciphertext\"", StringComparison.Ordinal));
        var ciphertextB64 = System.Text.Json.JsonDocument.Parse(lastFrame).RootElement.GetProperty("ciphertext").GetString()!;
        var ciphertext = Convert.FromBase64String(ciphertextB64);

        // Wait until the sinks have landed everything: the control text in the search index (the last sink to see
        // it is as good as any) and the ciphertext in history and the broker.
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            var controlFiles = FilesContaining(system.DataDirectory, Encoding.UTF8.GetBytes(control));
            var ciphertextFiles = FilesContaining(system.DataDirectory, ciphertext);
            if (controlFiles.Any(f => f.Contains("search", StringComparison.OrdinalIgnoreCase)) && ciphertextFiles.Count >= 2) break;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"the stores never held the control text (found in: {string.Join(", ", controlFiles)}) and the ciphertext (found in: {string.Join(", ", ciphertextFiles)})");
            await Task.Delay(1000);
        }
        await Task.Delay(3000); // the analytics sink batches on its own schedule

        foreach (var secret in secrets)
        {
            foreach (var encoding in new Encoding[] { Encoding.UTF8, Encoding.Unicode })
                Assert.Empty(FilesContaining(system.DataDirectory, encoding.GetBytes(secret)));
            Assert.DoesNotContain(secret, system.FullLog(), StringComparison.Ordinal);
        }
        Assert.Empty(FilesContaining(system.DataDirectory, Encoding.UTF8.GetBytes(marker)));
        Assert.DoesNotContain(marker, system.FullLog(), StringComparison.Ordinal);
    }

    /// <summary>
    /// 32 random letters from g to z. Lucene compresses stored fields with LZ4, which replaces any 4 bytes seen shortly
    /// before (in the ids of the same document, all hex) by a back-reference: a GUID-based needle was then at times not
    /// in the index's bytes although the text was (the likely cause of a CI failure of the control). No id holds these
    /// letters, so the needle stays literal, and a secret stored anywhere is found.
    /// </summary>
    private static string LiteralNeedle() =>
        string.Create(32, 0, (chars, _) =>
        {
            for (var i = 0; i < chars.Length; i++) chars[i] = (char)('g' + Random.Shared.Next(20));
        });

    private async Task<ChatPage> OpenAsync(LocalChatSystem system)
    {
        var context = await browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1100, Height = 760 }, BaseURL = system.GatewayUrl });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        return new ChatPage(context, page);
    }

    /// <summary>Files under the folder whose bytes contain the needle (files that vanish or are locked mid-scan are read again next time).</summary>
    private static List<string> FilesContaining(string folder, byte[] needle)
    {
        var found = new List<string>();
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            byte[] bytes;
            try
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var memory = new MemoryStream();
                stream.CopyTo(memory);
                bytes = memory.ToArray();
            }
            catch (IOException) { continue; }
            catch (UnauthorizedAccessException) { continue; }
            if (bytes.AsSpan().IndexOf(needle) >= 0) found.Add(Path.GetRelativePath(folder, file));
        }
        return found;
    }
}
