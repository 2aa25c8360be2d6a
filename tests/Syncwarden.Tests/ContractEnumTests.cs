using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Syncwarden.Configuration;
using Syncwarden.History;
using Syncwarden.Locks;

namespace Syncwarden.Tests;

/// <summary>Source-generated, like every JSON context in the product: proves the converters work without reflection.</summary>
[JsonSerializable(typeof(RunResult))]
[JsonSerializable(typeof(RunResult?))]
[JsonSerializable(typeof(RunTrigger))]
[JsonSerializable(typeof(HookKind))]
[JsonSerializable(typeof(LockFileState))]
[JsonSerializable(typeof(LockKind))]
internal sealed partial class ContractEnumJson : JsonSerializerContext;

/// <summary>Run result, run trigger, hook kind, lock state and lock kind: one name each, the same in JSON, logs, hooks and the database.</summary>
public sealed class ContractEnumTests
{
    [Fact]
    public void Json_and_ToKebabCase_give_every_value_the_same_name_and_read_it_back()
    {
        Check(ContractEnumJson.Default.RunResult);
        Check(ContractEnumJson.Default.RunTrigger);
        Check(ContractEnumJson.Default.HookKind);
        Check(ContractEnumJson.Default.LockFileState);
        Check(ContractEnumJson.Default.LockKind);

        static void Check<TEnum>(JsonTypeInfo<TEnum> json) where TEnum : struct, Enum
        {
            foreach (var value in Enum.GetValues<TEnum>())
            {
                var name = value.ToKebabCase();
                JsonSerializer.Serialize(value, json).Should().Be($"\"{name}\"", $"{typeof(TEnum).Name}.{value} is written by KebabCaseEnumConverter");
                JsonSerializer.Deserialize($"\"{name}\"", json).Should().Be(value);
                KebabCase.TryParse<TEnum>(name, out var parsed).Should().BeTrue();
                parsed.Should().Be(value);
            }
        }
    }

    [Fact]
    public void Multi_word_names_are_kebab_case()
    {
        RunTrigger.CatchUp.ToKebabCase().Should().Be("catch-up");
        HookKind.OnError.ToKebabCase().Should().Be("on-error");
        LockFileState.PresentNotHeld.ToKebabCase().Should().Be("present-not-held");
        LockKind.BlocksOn.ToKebabCase().Should().Be("blocks-on");
        JsonSerializer.Serialize<RunResult?>(null, ContractEnumJson.Default.NullableRunResult).Should().Be("null");
        JsonSerializer.Serialize<RunResult?>(RunResult.Succeeded, ContractEnumJson.Default.NullableRunResult).Should().Be("\"succeeded\"");
    }

    [Theory]
    [InlineData("CatchUp")]
    [InlineData("catch_up")]
    [InlineData("catchup")]
    [InlineData("1")]
    public void The_database_reader_takes_only_the_exact_name(string text) =>
        KebabCase.TryParse<RunTrigger>(text, out _).Should().BeFalse();

    [Fact]
    public void Json_numbers_are_not_names()
    {
        var read = () => JsonSerializer.Deserialize("2", ContractEnumJson.Default.RunTrigger);
        read.Should().Throw<JsonException>();
    }
}
