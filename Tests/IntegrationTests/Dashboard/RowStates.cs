using Microsoft.Playwright;

namespace CircuitDemo.IntegrationTests.Dashboard;

/// <summary>
/// Every state a Resources-page row shows, in order, recorded by the page itself. A state that shows for less than a
/// second (HalfOpen between two quick probes) can fall between two polls of a Playwright assertion, which polls at up
/// to one-second intervals; a <c>MutationObserver</c> sees every change the page renders.
/// </summary>
internal sealed class RowStates(IPage page, string resource)
{
    private static readonly string[] States = ["Half open", "Open", "Closed", "Isolated"];

    // Records the row's state each time the page changes, keeping consecutive distinct values.
    private const string Install = """
        ([resource, states]) => {
          const seen = (window.circuitDemoRowStates ??= {})[resource] = [];
          const record = () => {
            // The row that has an element reading exactly the resource's name (as Playwright's exact GetByText).
            const name = [...document.querySelectorAll('[role=row] *')]
              .find(element => element.childElementCount === 0 && element.textContent.trim() === resource);
            const text = name?.closest('[role=row]')?.innerText ?? '';
            const state = states.find(s => text.includes(s));
            if (state && seen[seen.length - 1] !== state) seen.push(state);
          };
          record();
          new MutationObserver(record).observe(document.body, { subtree: true, childList: true, characterData: true });
        }
        """;

    private const string Read = "resource => window.circuitDemoRowStates[resource]";

    public static async Task<RowStates> StartAsync(IPage page, string resource)
    {
        await page.EvaluateAsync(Install, new object[] { resource, States });
        return new RowStates(page, resource);
    }

    /// <summary>Waits until the row shows <paramref name="state"/> and returns every state it showed up to then.</summary>
    public async Task<IReadOnlyList<string>> UntilAsync(string state)
    {
        await page.WaitForFunctionAsync(
            "([resource, state]) => window.circuitDemoRowStates[resource].at(-1) === state",
            new object[] { resource, state });
        return await ShownAsync();
    }

    /// <summary>Every state the row has shown since <see cref="StartAsync"/>.</summary>
    public async Task<IReadOnlyList<string>> ShownAsync() => await page.EvaluateAsync<string[]>(Read, resource);
}
