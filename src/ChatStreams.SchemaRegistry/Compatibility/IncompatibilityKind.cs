namespace ChatStreams.SchemaRegistry.Compatibility;

/// <summary>Why a reader schema cannot read data written with a writer schema.</summary>
public enum IncompatibilityKind
{
    /// <summary>A reader field is absent from the writer and has no default to fill it with.</summary>
    MissingFieldDefault,

    /// <summary>The writer's type cannot be read as the reader's type, even with Avro's promotions.</summary>
    TypeMismatch,

    /// <summary>A record, enum or fixed has a different name and no reader alias names the writer's type.</summary>
    NameMismatch,

    /// <summary>Two fixed types match by name but differ in size.</summary>
    FixedSizeMismatch,

    /// <summary>The writer may write enum symbols the reader does not know, and the reader enum has no default.</summary>
    MissingEnumSymbols,

    /// <summary>The writer's type matches no branch of the reader's union.</summary>
    MissingUnionBranch,
}
