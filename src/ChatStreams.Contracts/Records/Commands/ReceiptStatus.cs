namespace chatstreams.v1;

/// <summary>
/// How far a message got with a recipient.
/// </summary>
/// <remarks>Avro enum chatstreams.v1.ReceiptStatus: member names are the Avro symbols, in schema order.</remarks>
public enum ReceiptStatus
{
    Delivered,
    Read,
}
