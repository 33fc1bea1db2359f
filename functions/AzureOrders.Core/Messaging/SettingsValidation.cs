using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AzureOrders.Messaging;

public static class SettingsValidation
{
    /// <summary>
    /// Options bound from <paramref name="section"/> and checked when the host starts (and on first use where no host
    /// runs, as in tests): every problem names its configuration key, so a bad setting fails the start, not a message.
    /// </summary>
    public static OptionsBuilder<T> AddValidatedOptions<T>(this IServiceCollection services, IConfiguration configuration, string section, Func<T, IEnumerable<string>> problems)
        where T : class
    {
        var builder = services.AddOptions<T>().Bind(configuration.GetSection(section), binder => binder.ErrorOnUnknownConfiguration = false);
        services.AddSingleton<IValidateOptions<T>>(new ProblemValidator<T>(problems));
        return builder.ValidateOnStart();
    }

    private sealed class ProblemValidator<T>(Func<T, IEnumerable<string>> problems) : IValidateOptions<T> where T : class
    {
        public ValidateOptionsResult Validate(string? name, T options)
        {
            var found = problems(options).ToList();
            return found.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(found);
        }
    }
}
