using System.Text;
using ChatStreams.Sinks.History;
using chatstreams.v1;

namespace ChatStreams.Sinks.Tests.History;

/// <summary>Everything a set of users can read from a store, as text: two stores (or one store before and after) compare equal when readers cannot tell them apart.</summary>
internal static class HistorySnapshot
{
    public static async Task<string> TakeAsync(IHistoryReader store, string conversationId, params string[] users)
    {
        var text = new StringBuilder();
        text.AppendLine($"head {await store.HeadAsync(conversationId, default)}; members {string.Join(",", await store.MembersOfAsync(conversationId, default))}");
        foreach (var user in users)
        {
            text.AppendLine($"== {user}: member {await store.IsMemberAsync(conversationId, user, default)}, access {await store.HasAccessAsync(conversationId, user, default)}");
            foreach (var item in await store.EventsAsync(conversationId, user, 0, long.MaxValue, 1000, false, default)) text.AppendLine(Describe(item));
            foreach (var summary in await store.ConversationsOfAsync(user, default))
                text.AppendLine($"list {summary.ConversationId} {summary.Kind} {summary.Title} last {summary.LastSeq} read {summary.ReadSeq} delivered {summary.DeliveredSeq} " +
                                $"unread {summary.Unread} at {summary.LastActivity:O} members {string.Join(",", summary.Members.Select(m => $"{m.UserId}:{m.Role}"))} " +
                                $"lastMessage {(summary.LastMessage is { } m ? Describe(m) : "none")}");
            text.AppendLine($"contacts {string.Join(",", await store.ContactsOfAsync(user, default))}");
        }
        return text.ToString();
    }

    public static string Describe(HistoryItem item)
    {
        var payload = item.Event.Payload switch
        {
            MessageSent sent => $"sent '{sent.Body}' attachments {sent.Attachments.Count}",
            MessageEdited edited => $"edit {edited.TargetSeq} '{edited.Body}'",
            MessageDeleted deleted => $"delete {deleted.TargetSeq}",
            ReactionChanged reaction => $"react {reaction.TargetSeq} {reaction.Emoji} {reaction.Action}",
            MemberAdded added => $"add {added.MemberId}",
            MemberRemoved removed => $"remove {removed.MemberId}",
            ConversationCreated created => $"create {string.Join(",", created.Members)}",
            var other => other.GetType().Name,
        };
        var message = item.Message is { } m
            ? $" => '{m.Body}' edited {m.Edited} deleted {m.Deleted} reactions {string.Join(";", m.Reactions.Select(r => $"{r.Key}:{string.Join(",", r.Value)}"))}"
            : "";
        return $"{item.Event.Seq} {item.Event.UserId} {payload}{message}";
    }
}
