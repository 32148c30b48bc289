using ChatStreams.Ctl;

// chatctl: one binary for operating and querying a ChatStreams system. Commands live in Commands/, one file each,
// and are listed in ChatCtl.Commands.
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true; // let the running query stop cleanly
    cancel.Cancel();
};
return await ChatCtl.RunAsync(args, Console.Out, Console.Error, CtlConfiguration.Build(), cancel.Token);
