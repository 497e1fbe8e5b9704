// Who is here: first-run setup, sign-in, or the signed-in app.
import { Alert, Button, Center, Loader, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent, type ReactNode } from 'react';
import { type AppStatus } from '../../src-shared/contract';
import { Ready } from './StartupScreen';
import { useAuthStatus, useSetup, useSignIn } from '../queries/auth';
import { errorMessage } from '../queries/client';
import { AppShellView } from '../shell/AppShellView';
import { NoBusinessScreen } from './NoBusinessScreen';

type ReadyStatus = Extract<AppStatus, { state: 'ready' }>;

export function AuthGate({ status }: { status: ReadyStatus }) {
  const auth = useAuthStatus();
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
    // A member or business admin whose account names no business: every tenant channel would refuse.
    if (session.scope === null && session.user.role !== 'system_admin') return <NoBusinessScreen reason="no_business" />;
    return <AppShellView session={session} />;
  }
  return (
    <AuthLayout status={status}>{needsSetup ? <SetupForm /> : <SignInForm />}</AuthLayout>
  );
}

function AuthLayout({ status, children }: { status: ReadyStatus; children: ReactNode }) {
  return (
    <Stack align="center" py={48} px="md" gap="lg">
      {children}
      <Ready status={status} />
    </Stack>
  );
}

function SignInForm() {
  const signIn = useSignIn();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    signIn.mutate({ email, password });
  };
  return (
    <Paper component="form" withBorder p="xl" w={420} maw="100%" onSubmit={submit} data-testid="signin-form" aria-labelledby="signin-title">
      <Stack>
        <Title order={2} id="signin-title">
          Sign in to Automation Console
        </Title>
        <TextInput label="Email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} data-testid="signin-email" data-autofocus autoFocus />
        <PasswordInput label="Password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.currentTarget.value)} data-testid="signin-password" />
        {signIn.isError && (
          <Alert color="red" role="alert" data-testid="signin-error">
            {errorMessage(signIn.error)}
          </Alert>
        )}
        <Button type="submit" loading={signIn.isPending} data-testid="signin-submit">
          Sign in
        </Button>
      </Stack>
    </Paper>
  );
}

function SetupForm() {
  const setup = useSetup();
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setup.mutate({ email, password, ...(displayName.trim() ? { displayName } : {}) });
  };
  return (
    <Paper component="form" withBorder p="xl" w={460} maw="100%" onSubmit={submit} data-testid="setup-form" aria-labelledby="setup-title">
      <Stack>
        <Title order={2} id="setup-title">
          Create the first system administrator
        </Title>
        <Text c="dimmed" size="sm">
          There is no default password. This account can manage every business, user and run; you can add more accounts later.
        </Text>
        <TextInput label="Email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} data-testid="setup-email" autoFocus />
        <TextInput label="Display name" description="Optional" value={displayName} onChange={(e) => setDisplayName(e.currentTarget.value)} data-testid="setup-display-name" />
        <PasswordInput label="Password" description="At least 10 characters" autoComplete="new-password" required value={password} onChange={(e) => setPassword(e.currentTarget.value)} data-testid="setup-password" />
        {setup.isError && (
          <Alert color="red" role="alert" data-testid="setup-error">
            {errorMessage(setup.error)}
          </Alert>
        )}
        <Button type="submit" loading={setup.isPending} data-testid="setup-submit">
          Create administrator and sign in
        </Button>
      </Stack>
    </Paper>
  );
}
