// Who is here: first-run setup, sign-in, or the signed-in app.
import { Alert, Button, Center, Loader, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { credentialsSchema, setupInputSchema } from '../../src-shared/schemas/accounts';
import { FormRefusal, useContractForm } from '../lib/contract-form';
import { useAuthStatus, useSetup, useSignIn } from '../queries/auth';
import { errorMessage, useClient } from '../queries/client';
import { useAccountUpdates } from '../queries/live';
import { noAccessReason } from '../lib/permissions';
import { setDisplayZone, zoneFor } from '../lib/time';
import { AppShellView } from '../shell/AppShellView';
import { useUiStore } from '../stores/ui';
import { NoBusinessScreen } from './NoBusinessScreen';

/** Shown once the database is open. Signed out, the forms alone: nothing about the database or its accounts. */
export function AuthGate() {
  const auth = useAuthStatus();
  useAccountUpdates(useClient());
  if (auth.isPending) {
    return (
      <Center h="100vh" data-testid="auth-loading">
        <Loader aria-label="Checking the session" />
      </Center>
    );
  }
  if (auth.isError) {
    return (
      <Center h="100vh">
        <Alert color="red" title="The session could not be checked" data-testid="auth-error">
          {errorMessage(auth.error)}
          <Button mt="sm" variant="light" onClick={() => void auth.refetch()}>
            Try again
          </Button>
        </Alert>
      </Center>
    );
  }
  const { needsSetup, session } = auth.data;
  if (session) {
    // A member or business admin with no business, or a disabled one: every tenant channel would refuse.
    const blocked = noAccessReason(session);
    if (blocked) return <NoBusinessScreen reason={blocked} />;
    // Times read in the user's zone; a new choice renders the app anew, every time with it.
    setDisplayZone(zoneFor(session.timeDisplay));
    return <AppShellView key={session.timeDisplay} session={session} />;
  }
  return (
    <Stack align="center" py={48} px="md" gap="lg">
      {needsSetup ? <SetupForm /> : <SignInForm />}
    </Stack>
  );
}

function SignInForm() {
  const signIn = useSignIn();
  const notice = useUiStore((state) => state.signInNotice);
  const { form, refusal, refuse, clearRefusal } = useContractForm({ initialValues: { email: '', password: '' }, schema: credentialsSchema, toInput: (values) => values });
  const submit = form.onSubmit((values) => {
    clearRefusal();
    signIn.mutate(values, { onError: refuse });
  });
  return (
    <Paper component="form" withBorder p="xl" w={420} maw="100%" onSubmit={submit} noValidate data-testid="signin-form" aria-labelledby="signin-title">
      <Stack>
        <Title order={2} id="signin-title">
          Sign in to Automation Console
        </Title>
        {notice && (
          <Alert color="blue" data-testid="signin-notice">
            {notice}
          </Alert>
        )}
        <TextInput label="Email" type="email" autoComplete="username" required key={form.key('email')} {...form.getInputProps('email')} data-testid="signin-email" data-autofocus autoFocus />
        <PasswordInput label="Password" autoComplete="current-password" required key={form.key('password')} {...form.getInputProps('password')} data-testid="signin-password" />
        <FormRefusal refusal={refusal} testId="signin-error" />
        <Button type="submit" loading={signIn.isPending} data-testid="signin-submit">
          Sign in
        </Button>
      </Stack>
    </Paper>
  );
}

function SetupForm() {
  const setup = useSetup();
  const toInput = ({ email, password, displayName }: { email: string; password: string; displayName: string }) => ({
    email,
    password,
    ...(displayName.trim() ? { displayName } : {}),
  });
  const { form, refusal, refuse, clearRefusal } = useContractForm({ initialValues: { email: '', password: '', displayName: '' }, schema: setupInputSchema, toInput });
  const submit = form.onSubmit((values) => {
    clearRefusal();
    setup.mutate(toInput(values), { onError: refuse });
  });
  return (
    <Paper component="form" withBorder p="xl" w={460} maw="100%" onSubmit={submit} noValidate data-testid="setup-form" aria-labelledby="setup-title">
      <Stack>
        <Title order={2} id="setup-title">
          Create the first system administrator
        </Title>
        <Text c="dimmed" size="sm">
          There is no default password. This account can manage every business, user and run; you can add more accounts later.
        </Text>
        <TextInput label="Email" type="email" autoComplete="username" required key={form.key('email')} {...form.getInputProps('email')} data-testid="setup-email" autoFocus />
        <TextInput label="Display name" description="Optional" key={form.key('displayName')} {...form.getInputProps('displayName')} data-testid="setup-display-name" />
        <PasswordInput
          label="Password"
          description="At least 10 characters"
          autoComplete="new-password"
          required
          key={form.key('password')}
          {...form.getInputProps('password')}
          data-testid="setup-password"
        />
        <FormRefusal refusal={refusal} testId="setup-error" />
        <Button type="submit" loading={setup.isPending} data-testid="setup-submit">
          Create administrator and sign in
        </Button>
      </Stack>
    </Paper>
  );
}
