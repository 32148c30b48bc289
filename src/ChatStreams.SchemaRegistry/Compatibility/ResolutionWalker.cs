using Avro;
using ChatStreams.SchemaRegistry.Avro;

namespace ChatStreams.SchemaRegistry.Compatibility;

/// <summary>
/// Walks a reader and a writer schema side by side applying the Avro specification's schema resolution
/// rules, collecting every place where the reader could not read the writer's data.
/// </summary>
internal sealed class ResolutionWalker
{
    private readonly ReaderAliases aliases;
    private readonly CompatibilityLabels labels;

    // Named-type pairs being checked further up the stack. Meeting one again (a recursive type) is assumed
    // compatible: the outer visit of that pair reports any real problem, so the walk terminates and stays exact.
    private readonly HashSet<(string Reader, string Writer)> inProgress;
    private readonly List<Incompatibility> found = new();

    public ResolutionWalker(ReaderAliases aliases, CompatibilityLabels labels)
        : this(aliases, labels, new HashSet<(string, string)>())
    {
    }

    private ResolutionWalker(ReaderAliases aliases, CompatibilityLabels labels, HashSet<(string, string)> inProgress)
    {
        this.aliases = aliases;
        this.labels = labels;
        this.inProgress = inProgress;
    }

    public IReadOnlyList<Incompatibility> Found => found;

    public void Check(Schema reader, Schema writer, string path) => Check(reader, writer, path, writerUnion: null);

    private void Check(Schema declaredReader, Schema declaredWriter, string path, UnionSchema? writerUnion)
    {
        var reader = Unwrap(declaredReader);
        var writer = Unwrap(declaredWriter);

        if (writer is UnionSchema writerBranches)
        {
            // Every branch the writer may choose must be readable.
            foreach (var branch in writerBranches.Schemas)
            {
                Check(declaredReader, branch, path, writerBranches);
            }

            return;
        }

        if (reader is UnionSchema readerBranches)
        {
            CheckAgainstReaderUnion(readerBranches, declaredWriter, path, writerUnion);
            return;
        }

        if (IsPromotion(reader.Tag, writer.Tag))
        {
            return;
        }

        switch (reader)
        {
            case RecordSchema readerRecord when writer is RecordSchema writerRecord:
                if (NamesMatch(readerRecord, writerRecord, path))
                {
                    CheckRecords(readerRecord, writerRecord, path);
                }

                return;
            case EnumSchema readerEnum when writer is EnumSchema writerEnum:
                if (NamesMatch(readerEnum, writerEnum, path))
                {
                    CheckEnums(readerEnum, writerEnum, path);
                }

                return;
            case FixedSchema readerFixed when writer is FixedSchema writerFixed:
                if (NamesMatch(readerFixed, writerFixed, path) && readerFixed.Size != writerFixed.Size)
                {
                    Report(IncompatibilityKind.FixedSizeMismatch, path,
                        $"{Where(path)}: fixed '{writerFixed.Fullname}' has size {writerFixed.Size} in {labels.Writer} but size {readerFixed.Size} in {labels.Reader}");
                }

                return;
            case ArraySchema readerArray when writer is ArraySchema writerArray:
                Check(readerArray.ItemSchema, writerArray.ItemSchema, path + "[]");
                return;
            case MapSchema readerMap when writer is MapSchema writerMap:
                Check(readerMap.ValueSchema, writerMap.ValueSchema, path + "{}");
                return;
        }

        if (reader is NamedSchema || writer is NamedSchema || reader.Tag != writer.Tag)
        {
            Report(IncompatibilityKind.TypeMismatch, path,
                $"{Where(path)}: {labels.Writer} writes {SchemaDescription.Describe(declaredWriter)}{BranchNote(writerUnion)}, " +
                $"which {labels.Reader} cannot read as {SchemaDescription.Describe(declaredReader)}");
        }
    }

    private void CheckRecords(RecordSchema reader, RecordSchema writer, string path)
    {
        if (!inProgress.Add((reader.Fullname, writer.Fullname)))
        {
            return;
        }

        try
        {
            var recordPath = path.Length == 0 ? reader.Name : path;
            foreach (var readerField in reader.Fields)
            {
                var fieldPath = $"{recordPath}.{readerField.Name}";
                var writerField = FindWriterField(writer, readerField);
                if (writerField is not null)
                {
                    Check(readerField.Schema, writerField.Schema, fieldPath);
                }
                else if (readerField.DefaultValue is null)
                {
                    Report(IncompatibilityKind.MissingFieldDefault, fieldPath,
                        $"reader field '{fieldPath}' has no default and is missing from {labels.Writer}");
                }

                // A writer field the reader does not have is skipped when reading: nothing to check.
            }
        }
        finally
        {
            inProgress.Remove((reader.Fullname, writer.Fullname));
        }
    }

    private static Field? FindWriterField(RecordSchema writer, Field readerField)
    {
        if (writer.TryGetField(readerField.Name, out var byName))
        {
            return byName;
        }

        // The reader may have renamed the field and kept the old name as an alias.
        foreach (var alias in readerField.Aliases ?? [])
        {
            if (writer.TryGetField(alias, out var byAlias))
            {
                return byAlias;
            }
        }

        return null;
    }

    private void CheckEnums(EnumSchema reader, EnumSchema writer, string path)
    {
        if (reader.Default is not null)
        {
            // Unknown writer symbols resolve to the reader's default symbol.
            return;
        }

        var unknown = writer.Symbols.Where(s => !reader.Symbols.Contains(s)).ToList();
        if (unknown.Count > 0)
        {
            Report(IncompatibilityKind.MissingEnumSymbols, path,
                $"{Where(path)}: {labels.Writer} may write enum symbol(s) {string.Join(", ", unknown.Select(s => $"'{s}'"))} " +
                $"that enum '{reader.Fullname}' in {labels.Reader} does not have, and that enum has no default symbol");
        }
    }

    private void CheckAgainstReaderUnion(UnionSchema reader, Schema writer, string path, UnionSchema? writerUnion)
    {
        // Resolution picks the first reader branch that can read the writer's type.
        foreach (var branch in reader.Schemas)
        {
            if (CanRead(branch, writer, path))
            {
                return;
            }
        }

        // No branch fits. If one branch is the same kind of type (e.g. the same record), the detailed
        // reason from inside it is far more useful than "no branch matches".
        var sameKind = reader.Schemas.Select(Unwrap).FirstOrDefault(b => IsSameKind(b, Unwrap(writer)));
        if (sameKind is not null)
        {
            Check(sameKind, writer, path, writerUnion);
            return;
        }

        Report(IncompatibilityKind.MissingUnionBranch, path,
            $"{Where(path)}: {labels.Writer} writes {SchemaDescription.Describe(writer)}{BranchNote(writerUnion)}, " +
            $"which matches no branch of {labels.Reader}'s {SchemaDescription.Describe(reader)}");
    }

    private bool CanRead(Schema reader, Schema writer, string path)
    {
        var probe = new ResolutionWalker(aliases, labels, inProgress);
        probe.Check(reader, writer, path);
        return probe.found.Count == 0;
    }

    private bool NamesMatch(NamedSchema reader, NamedSchema writer, string path)
    {
        // As the Avro specification and Confluent's checker: unqualified names match, or a reader alias
        // names the writer's full name.
        if (string.Equals(reader.Name, writer.Name, StringComparison.Ordinal) || aliases.Contains(reader.Fullname, writer.Fullname))
        {
            return true;
        }

        Report(IncompatibilityKind.NameMismatch, path,
            $"{Where(path)}: {labels.Writer} writes {SchemaDescription.Describe(writer)} but {labels.Reader} expects " +
            $"{SchemaDescription.Describe(reader)}; the names differ and no reader alias names '{writer.Fullname}'");
        return false;
    }

    private bool IsSameKind(Schema reader, Schema writer) => (reader, writer) switch
    {
        (NamedSchema r, NamedSchema w) => r.Tag == w.Tag && (r.Name == w.Name || aliases.Contains(r.Fullname, w.Fullname)),
        (ArraySchema, ArraySchema) or (MapSchema, MapSchema) => true,
        _ => false,
    };

    /// <summary>The Avro specification's promotions: the writer's value is widened on read.</summary>
    internal static bool IsPromotion(Schema.Type reader, Schema.Type writer) => (writer, reader) switch
    {
        (Schema.Type.Int, Schema.Type.Long or Schema.Type.Float or Schema.Type.Double) => true,
        (Schema.Type.Long, Schema.Type.Float or Schema.Type.Double) => true,
        (Schema.Type.Float, Schema.Type.Double) => true,
        (Schema.Type.String, Schema.Type.Bytes) => true,
        (Schema.Type.Bytes, Schema.Type.String) => true,
        _ => false,
    };

    // Logical types annotate their underlying type; resolution works on the underlying type.
    private static Schema Unwrap(Schema schema) => schema is LogicalSchema logical ? logical.BaseSchema : schema;

    private static string Where(string path) => path.Length == 0 ? "top-level type" : $"field '{path}'";

    private static string BranchNote(UnionSchema? writerUnion) =>
        writerUnion is null ? "" : $" (one branch of its {SchemaDescription.Describe(writerUnion)})";

    private void Report(IncompatibilityKind kind, string path, string message)
    {
        if (!found.Any(f => f.Message == message))
        {
            found.Add(new Incompatibility(kind, path, message));
        }
    }
}
