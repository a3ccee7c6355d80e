"""PluginHost: one pluggy manager per app, entry-point discovery, validation and the
per-tenant subset caller that makes a disabled plugin invisible."""
from __future__ import annotations

import importlib
import logging
from importlib.metadata import entry_points

import pluggy

from . import hookspecs
from .records import PluginBlueprint, PluginManifest

log = logging.getLogger(__name__)
ENTRY_POINT_GROUP = "yinghuo.plugins"
hookimpl = pluggy.HookimplMarker("yinghuo")


#: where a plugin may be enabled (``PluginManifest.level``): ordinary tenants, hubs, or both
LEVELS = ("tenant", "hub", "both")


class PluginError(RuntimeError):
    """A plugin is malformed or clashes with another; the message names them."""


class PluginHost:
    def __init__(self, only: list[str] | None = None, extra: list | None = None, trace: bool = False):
        self.pm = pluggy.PluginManager("yinghuo")
        self.pm.add_hookspecs(hookspecs)
        from . import core_hooks
        self.pm.register(core_hooks, name="core")
        self.manifests: dict[str, PluginManifest] = {}
        self._relays: dict[tuple, _Subset] = {}
        self._load(only, extra or [])
        self.pm.check_pending()
        if trace:
            self.pm.add_hookcall_monitoring(
                lambda name, impls, kw: log.info("hook %s -> %s", name, [i.plugin_name for i in impls]),
                lambda outcome, name, impls, kw: None)

    # --- discovery -----------------------------------------------------------------
    def _load(self, only, extra) -> None:
        modules = [(ep.name, ep.load) for ep in entry_points(group=ENTRY_POINT_GROUP)]
        modules += [(getattr(m, "__name__", str(m)), (lambda m=m: _module(m))) for m in extra]
        for label, load in modules:
            module = load()
            manifest = self._manifest_of(module, label)
            if only is not None and manifest.name not in only:
                continue
            if manifest.name in self.manifests:
                raise PluginError(f"two plugins are named {manifest.name!r}: {label} and an earlier one")
            if manifest.level not in LEVELS:
                raise PluginError(f"plugin {manifest.name}: level must be one of {', '.join(LEVELS)}, "
                                  f"not {manifest.level!r}")
            self.pm.register(module, name=manifest.name)
            self.manifests[manifest.name] = manifest

    @staticmethod
    def _manifest_of(module, label) -> PluginManifest:
        fn = getattr(module, "yinghuo_manifest", None)
        manifest = fn() if fn else None
        if not isinstance(manifest, PluginManifest):
            raise PluginError(f"plugin {label}: yinghuo_manifest() must return a PluginManifest")
        if not manifest.name.isidentifier() or manifest.name in ("core", "api", "admin"):
            raise PluginError(f"plugin {label}: bad name {manifest.name!r}")
        return manifest

    # --- registration results --------------------------------------------------------
    @property
    def names(self) -> list[str]:
        return sorted(self.manifests)

    def per_plugin(self, hook_name: str, **kwargs):
        """Yield (plugin name, result) for a registration hook, attributing each result."""
        hook = getattr(self.pm.hook, hook_name)
        for impl in hook.get_hookimpls():
            result = _call(impl, kwargs)
            if result is not None:
                yield impl.plugin_name, result

    def call_one(self, plugin: str, hook_name: str, **kwargs):
        """Call one plugin's implementation of a hook (lifecycle hooks), passing only the
        arguments it asks for; None if it does not implement the hook."""
        for impl in getattr(self.pm.hook, hook_name).get_hookimpls():
            if impl.plugin_name == plugin:
                return _call(impl, kwargs)
        return None

    def check_models(self) -> None:
        """Plugin tables are prefixed with the plugin's name and lead their PK with tenant_id."""
        for name, models in self.per_plugin("yinghuo_models"):
            for model in models:
                table = model.__table__
                if not table.name.startswith(f"{name}_"):
                    raise PluginError(f"plugin {name}: table {table.name} must start with '{name}_'")
                pk = [c.name for c in table.primary_key.columns]
                if not pk or pk[0] != "tenant_id":
                    raise PluginError(f"plugin {name}: table {table.name} must lead its key with tenant_id")

    def blueprints(self, app):
        for name, items in self.per_plugin("yinghuo_blueprints", app=app):
            for item in items:
                if not isinstance(item, PluginBlueprint) or item.kind not in ("api", "page"):
                    raise PluginError(f"plugin {name}: yinghuo_blueprints must return PluginBlueprint records")
                yield name, item

    def permissions(self) -> dict:
        """Every permission by name (kernel and plugins); a clash names both owners."""
        result, owner = {}, {}
        for plugin, items in self.per_plugin("yinghuo_permissions"):
            for perm in items:
                if perm.name in result:
                    raise PluginError(f"permission {perm.name!r} declared by {owner[perm.name]} and {plugin}")
                result[perm.name], owner[perm.name] = perm, plugin
        return result

    def migration_dirs(self) -> dict[str, str]:
        return {n: m.migrations for n, m in self.manifests.items() if m.migrations}

    # --- tenant hooks -------------------------------------------------------------------
    def hooks_for(self, tenant):
        """A hook relay reaching the kernel and only the plugins enabled for ``tenant``
        (one relay per set of disabled plugins, kept: hooks run on every sign-up)."""
        enabled = set(tenant.enabled_plugins) if tenant is not None else set()
        disabled = tuple(n for n in self.manifests if n not in enabled)
        relay = self._relays.get(disabled)
        if relay is None:
            relay = self._relays[disabled] = _Subset(self.pm, [self.pm.get_plugin(n) for n in disabled])
        return relay


class _Subset:
    """Hook callers without the disabled plugins; each built once (pluggy's subset callers
    look up the current implementations on every call)."""

    def __init__(self, pm, disabled):
        self._pm, self._disabled = pm, disabled

    def __getattr__(self, name):
        caller = self._pm.subset_hook_caller(name, remove_plugins=self._disabled)
        setattr(self, name, caller)
        return caller


def _call(impl, kwargs: dict):
    """Call one implementation with only the arguments it opted in to (pluggy's rule)."""
    return impl.function(**{k: v for k, v in kwargs.items() if k in impl.argnames})


def _module(ref):
    return importlib.import_module(ref) if isinstance(ref, str) else ref
