create table public.events (
    id bigint generated always as identity primary key,
    team_id bigint not null references public.teams on delete cascade,
    payload jsonb not null,
    kind text generated always as (payload ->> 'kind') stored,
    created_at timestamptz not null default now(),
    constraint events_kind_present check (payload ? 'kind')
);

create index events_kind_idx on public.events (kind);
alter table public.events enable row level security;

create or replace function public.handle_new_user() returns trigger
    language plpgsql security definer set search_path = ''
    as $$
begin
    insert into public.profiles (id, full_name, avatar_url)
    values (new.id, new.raw_user_meta_data->>'full_name', new.raw_user_meta_data->>'avatar_url');
    return new;
end;
$$;

-- the trigger on auth.users lives in the auth schema Supabase owns
-- create trigger on_auth_user_created after insert on auth.users ...
