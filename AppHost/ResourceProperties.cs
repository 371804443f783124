using System.Collections.Immutable;

namespace CircuitDemo.AppHost;

/// <summary>Setting the properties the dashboard shows on a resource's row.</summary>
internal static class ResourceProperties
{
    /// <summary>
    /// The properties with <paramref name="displayName"/> set to <paramref name="value"/> (added, or replaced in place).
    /// Highlighted: the dashboard shows a property it does not know only when highlighted (or on "show all").
    /// </summary>
    public static ImmutableArray<ResourcePropertySnapshot> With(
        this ImmutableArray<ResourcePropertySnapshot> properties, string displayName, object? value, int order = 0)
    {
        var name = "circuitdemo." + displayName.ToLowerInvariant().Replace(' ', '-');
        var property = new ResourcePropertySnapshot(name, value) { DisplayName = displayName, IsHighlighted = true, SortOrder = order };
        for (var i = 0; i < properties.Length; i++)
        {
            if (properties[i].Name == name)
            {
                return properties.SetItem(i, property);
            }
        }

        return properties.Add(property);
    }
}
